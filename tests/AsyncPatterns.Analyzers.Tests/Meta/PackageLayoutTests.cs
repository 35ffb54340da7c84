using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace AsyncPatterns.Analyzers.Tests.Meta;

/// <summary>Packs the NuGet package once (Release, into a private temporary folder) and checks the
/// layout an analyzer package needs: the compiler and the IDE load analyzers only from
/// analyzers/dotnet/cs/, and a development dependency must add nothing to the consumer's
/// references or dependency graph.</summary>
[Collection(PackCollection.Name)]
public sealed class PackageLayoutTests : IClassFixture<PackageLayoutTests.PackedPackage>
{
    private const string AnalyzersFolder = "analyzers/dotnet/cs/";
    private readonly PackedPackage _package;

    public PackageLayoutTests(PackedPackage package) => _package = package;

    [Fact]
    public void Package_IsNamedAfterIdAndVersion()
    {
        Assert.True(
            Path.GetFileName(_package.NupkgPath) == $"AsyncPatterns.Analyzers.{_package.Version}.nupkg",
            $"dotnet pack produced '{Path.GetFileName(_package.NupkgPath)}', expected 'AsyncPatterns.Analyzers.{_package.Version}.nupkg'.");
    }

    [Theory]
    [InlineData("AsyncPatterns.Analyzers.dll")]
    [InlineData("AsyncPatterns.CodeFixes.dll")]
    public void AnalyzersFolder_HoldsAssembly(string assembly)
    {
        Assert.True(
            _package.Entries.Contains(AnalyzersFolder + assembly),
            $"'{AnalyzersFolder}{assembly}' is missing from the package.{_package.Listing}");
    }

    [Theory]
    [InlineData("build/AsyncPatterns.Analyzers.props")]
    [InlineData("build/AsyncPatterns.Analyzers.targets")]
    [InlineData("build/asyncpatterns_recommended.globalconfig")]
    [InlineData("build/asyncpatterns_all.globalconfig")]
    [InlineData("build/asyncpatterns_none.globalconfig")]
    public void BuildFolder_HoldsAnalysisModeFile(string entry)
    {
        // NuGet imports build/<PackageId>.props/.targets into the consuming project; the targets
        // select a .globalconfig by AsyncPatternsAnalysisMode (see docs/configuration.md).
        Assert.True(_package.Entries.Contains(entry), $"'{entry}' is missing from the package.{_package.Listing}");
    }

    [Fact]
    public void AnalyzersFolder_HoldsOnlyOurAssemblies()
    {
        var unexpected = _package.Entries
            .Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal))
            .Where(e => e != AnalyzersFolder + "AsyncPatterns.Analyzers.dll" && e != AnalyzersFolder + "AsyncPatterns.CodeFixes.dll")
            .ToList();
        Assert.True(
            unexpected.Count == 0,
            $"Unexpected entries under analyzers/ (Roslyn itself must never ship with the package): {string.Join(", ", unexpected)}.{_package.Listing}");
    }

    [Fact]
    public void Package_HasNoLibFolder()
    {
        var lib = _package.Entries.Where(e => e.StartsWith("lib/", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(
            lib.Count == 0,
            $"The package has lib/ entries, so consumers would reference our assemblies: {string.Join(", ", lib)}.{_package.Listing}");
    }

    [Fact]
    public void Package_HoldsReadme()
    {
        Assert.True(_package.Entries.Contains("README.md"), $"README.md is missing from the package root.{_package.Listing}");
        var readme = _package.Metadata.Element(_package.Ns + "readme")?.Value;
        Assert.True(readme == "README.md", $"The nuspec's <readme> is '{readme}', expected 'README.md'.\n{_package.Nuspec}");
    }

    [Fact]
    public void Nuspec_IsDevelopmentDependency()
    {
        var value = _package.Metadata.Element(_package.Ns + "developmentDependency")?.Value;
        Assert.True(value == "true", $"The nuspec has <developmentDependency>{value}</developmentDependency>, expected true.\n{_package.Nuspec}");
    }

    [Fact]
    public void Nuspec_HasNoDependencies()
    {
        var dependencies = _package.Metadata.Descendants(_package.Ns + "dependency")
            .Select(d => $"{d.Attribute("id")?.Value} {d.Attribute("version")?.Value}")
            .ToList();
        Assert.True(
            dependencies.Count == 0,
            $"The nuspec declares dependencies, which every consumer would inherit: {string.Join(", ", dependencies)}.\n{_package.Nuspec}");
    }

    [Fact]
    public void Nuspec_HasLicenseAndProjectUrl()
    {
        var license = _package.Metadata.Element(_package.Ns + "license");
        var projectUrl = _package.Metadata.Element(_package.Ns + "projectUrl")?.Value;
        Assert.True(
            license?.Attribute("type")?.Value == "expression" && license.Value == "MIT" && !string.IsNullOrEmpty(projectUrl),
            $"The nuspec needs <license type=\"expression\">MIT</license> and a <projectUrl>.\n{_package.Nuspec}");
    }

    /// <summary>Runs <c>dotnet pack</c> once for the whole class. Release configuration and a
    /// private output folder keep it clear of the Debug build the test run itself uses.</summary>
    public sealed class PackedPackage : IDisposable
    {
        private readonly string _outputDirectory;

        public PackedPackage()
        {
            _outputDirectory = Path.Combine(Path.GetTempPath(), "asyncpatterns-pack-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_outputDirectory);
            var project = RepositoryRoot.Combine("src", "AsyncPatterns.Analyzers.Package", "AsyncPatterns.Analyzers.Package.csproj");
            var output = Dotnet(RepositoryRoot.Path, "pack", project, "--nologo", "-c", "Release", "-o", _outputDirectory, "-nodeReuse:false");

            var packages = Directory.GetFiles(_outputDirectory, "*.nupkg");
            if (packages.Length != 1)
            {
                throw new InvalidOperationException(
                    $"dotnet pack produced {packages.Length} packages in {_outputDirectory}: {string.Join(", ", packages.Select(Path.GetFileName))}\n{output}");
            }

            NupkgPath = packages[0];
            using var zip = ZipFile.OpenRead(NupkgPath);
            Entries = zip.Entries.Select(e => e.FullName).OrderBy(e => e, StringComparer.Ordinal).ToList();
            var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
            using var reader = new StreamReader(nuspecEntry.Open());
            Nuspec = reader.ReadToEnd();
            var document = XDocument.Parse(Nuspec);
            Ns = document.Root!.Name.Namespace;
            Metadata = document.Root.Element(Ns + "metadata")!;
            Version = Metadata.Element(Ns + "version")!.Value;
        }

        public string NupkgPath { get; }

        public IReadOnlyList<string> Entries { get; }

        public string Nuspec { get; }

        public XNamespace Ns { get; }

        public XElement Metadata { get; }

        public string Version { get; }

        public string Listing => "\nPackage entries:\n  " + string.Join("\n  ", Entries);

        public void Dispose()
        {
            try
            {
                Directory.Delete(_outputDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static string Dotnet(string workingDirectory, params string[] arguments)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // The test host may inherit MSBuild settings of the build that launched it; the child
            // build must evaluate the package project on its own terms.
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";

            var output = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within 5 minutes.\n{output}");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}.\n{output}");
            }

            return output.ToString();
        }
    }
}
