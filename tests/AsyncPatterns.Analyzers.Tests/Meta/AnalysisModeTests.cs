using System.Text.RegularExpressions;
using AsyncPatterns.Analyzers.Tests.EndToEnd;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests.Meta;

/// <summary>
/// The analysis modes through the packed package: packs it into a private folder, restores a
/// throwaway console project from that folder (EF Core comes from the shared global packages
/// folder, used as a fallback folder; our package is extracted into a private packages folder, so
/// an older package of the same version in the shared cache cannot stand in for it), builds it once
/// per <c>AsyncPatternsAnalysisMode</c> and reads the SARIF log. The code raises AP3004 (info by
/// default) and AP3001 (warning by default).
/// </summary>
[Collection(PackCollection.Name)]
public sealed class AnalysisModeTests : IClassFixture<AnalysisModeTests.ThrowawayProject>
{
    private readonly ThrowawayProject _project;
    private readonly ITestOutputHelper _output;

    public AnalysisModeTests(ThrowawayProject project, ITestOutputHelper output)
    {
        _project = project;
        _output = output;
    }

    [Theory]
    [InlineData(null, "note", "warning")]
    [InlineData("Default", "note", "warning")]
    [InlineData("Recommended", "warning", "warning")]
    [InlineData("All", "warning", "warning")]
    [InlineData("None", null, null)]
    [InlineData("recommended", "warning", "warning")]
    public async Task Mode_SetsTheLevels(string? mode, string? ap3004, string? ap3001)
    {
        var (run, diagnostics) = await _project.BuildAsync(mode);
        _output.WriteLine(run.Describe());
        Console.WriteLine($"[modes] {mode ?? "(unset)"}: {run.Elapsed.TotalSeconds:0.0} s, " + string.Join(", ", diagnostics.Where(d => d.IsOurs).Select(d => d.Id + "=" + d.Level)));
        Assert.True(run.Succeeded, run.Describe() + "\n" + run.Tail());
        Assert.Equal(ap3004, diagnostics.FirstOrDefault(d => d.Id == "AP3004")?.Level);
        Assert.Equal(ap3001, diagnostics.FirstOrDefault(d => d.Id == "AP3001")?.Level);
    }

    [Fact]
    public async Task Mode_Invalid_WarnsAndKeepsTheDefaults()
    {
        var (run, diagnostics) = await _project.BuildAsync("Strict");
        Assert.True(run.Succeeded, run.Describe() + "\n" + run.Tail());
        Assert.Contains("APMODE1", run.Output, StringComparison.Ordinal);
        Assert.Equal("note", diagnostics.FirstOrDefault(d => d.Id == "AP3004")?.Level);
        Assert.Equal("warning", diagnostics.FirstOrDefault(d => d.Id == "AP3001")?.Level);
    }

    [Fact]
    public async Task Mode_ProjectEditorConfigStillWins()
    {
        // The mode's .globalconfig has the lowest precedence: a project-level .editorconfig overrides it.
        var (run, diagnostics) = await _project.BuildAsync("None", editorconfig: "root = true\n[*.cs]\ndotnet_diagnostic.AP3001.severity = error\n");
        Assert.False(run.Succeeded, "AP3001 raised to an error by .editorconfig should fail the build.\n" + run.Tail());
        Assert.Equal("error", diagnostics.FirstOrDefault(d => d.Id == "AP3001")?.Level);
        Assert.Null(diagnostics.FirstOrDefault(d => d.Id == "AP3004"));
    }

    [Theory]
    [InlineData("async_patterns.session_preloaded = maybe", true)]
    [InlineData("async_patterns.session_preloaded = true", false)]
    [InlineData("async_patterns.max_session_idle = forever", true)]
    [InlineData("async_patterns.max_session_idle = 8h", false)]
    [InlineData("async_patterns.lock_methods = Bank.", true)]
    [InlineData("async_patterns.lock_methods = Bank.LockAccountAsync, LockRow", false)]
    [InlineData(null, false)]
    public async Task Option_ThroughThePackage_InvalidValuesRaiseAP9001(string? option, bool invalid)
    {
        // The options reach the packed analyzers through the consumer's .editorconfig, as in a real project.
        var editorconfig = option is null ? null : "root = true\n[*.cs]\n" + option + "\n";
        var (run, diagnostics) = await _project.BuildAsync(null, editorconfig);
        Assert.True(run.Succeeded, run.Describe() + "\n" + run.Tail());
        Assert.Equal(invalid, diagnostics.Any(d => d.Id == "AP9001"));
        Assert.Equal("warning", diagnostics.FirstOrDefault(d => d.Id == "AP3001")?.Level);
    }

    /// <summary>Packs once and restores once for the class; each test builds (no incremental build).</summary>
    public sealed class ThrowawayProject : IAsyncLifetime
    {
        private const string Code = """
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public class Item { public int Id { get; set; } }

            public class AppDb : DbContext
            {
                public DbSet<Item> Items => Set<Item>();
            }

            public static class Program
            {
                public static async Task Main()
                {
                    await using var db = new AppDb();
                    await CountAsync(db, CancellationToken.None);
                    Touch(db);
                }

                private static async Task<int> CountAsync(AppDb db, CancellationToken cancellationToken)
                    => await db.Items.CountAsync();

                private static void Touch(AppDb db)
                {
                    db.SaveChangesAsync();
                }
            }
            """;

        private readonly SemaphoreSlim _gate = new(1, 1);
        private string _root = "";
        private int _builds;

        public string ProjectDirectory => Path.Combine(_root, "app");

        public async Task InitializeAsync()
        {
            _root = Path.Combine(Path.GetTempPath(), "asyncpatterns-modes-" + Guid.NewGuid().ToString("N"));
            var feed = Path.Combine(_root, "feed");
            Directory.CreateDirectory(feed);
            Directory.CreateDirectory(ProjectDirectory);

            var pack = await DotnetCli.RunAsync(
                "pack",
                RepositoryRoot.Path,
                ["pack", RepositoryRoot.Combine("src", "AsyncPatterns.Analyzers.Package", "AsyncPatterns.Analyzers.Package.csproj"), "--nologo", "-c", "Release", "-o", feed, "-nodeReuse:false"],
                TimeSpan.FromMinutes(5));
            Ensure(pack);
            var nupkg = Directory.GetFiles(feed, "AsyncPatterns.Analyzers.*.nupkg").Single();
            var version = Regex.Match(Path.GetFileNameWithoutExtension(nupkg), @"^AsyncPatterns\.Analyzers\.(?<v>.+)$").Groups["v"].Value;

            var shared = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(ProjectDirectory, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <config>
                    <add key="globalPackagesFolder" value="{Path.Combine(_root, "packages")}" />
                  </config>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local"><package pattern="AsyncPatterns.Analyzers" /></packageSource>
                    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                  <fallbackPackageFolders>
                    <clear />
                    <add key="shared" value="{shared}" />
                  </fallbackPackageFolders>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(ProjectDirectory, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>disable</ImplicitUsings>
                    <NoWarn>$(NoWarn);CS1998</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.EntityFrameworkCore" Version="10.0.14" />
                    <PackageReference Include="AsyncPatterns.Analyzers" Version="{version}" PrivateAssets="all" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(ProjectDirectory, "Program.cs"), Code);
            // Directory.Build.* of a parent folder must not leak in.
            File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(_root, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(_root, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");

            Ensure(await DotnetCli.RunAsync("restore", ProjectDirectory, ["restore", "--nologo", "-nodeReuse:false"], TimeSpan.FromMinutes(3)));
        }

        public async Task<(CliRun Run, IReadOnlyList<LoggedDiagnostic> Diagnostics)> BuildAsync(string? mode, string? editorconfig = null)
        {
            await _gate.WaitAsync();
            try
            {
                var editorconfigPath = Path.Combine(ProjectDirectory, ".editorconfig");
                if (editorconfig is null)
                {
                    File.Delete(editorconfigPath);
                }
                else
                {
                    File.WriteAllText(editorconfigPath, editorconfig);
                }

                var sarif = Path.Combine(_root, $"build{++_builds}.sarif");
                var arguments = new List<string> { "build", "--nologo", "--no-restore", "--no-incremental", "-nodeReuse:false", $"-p:ErrorLog={sarif}%2Cversion%3D2.1" };
                if (mode is not null)
                {
                    arguments.Add("-p:AsyncPatternsAnalysisMode=" + mode);
                }

                var run = await DotnetCli.RunAsync("build " + (mode ?? "(unset)"), ProjectDirectory, arguments, TimeSpan.FromMinutes(3));
                var diagnostics = File.Exists(sarif) ? Sarif.Read(sarif, ProjectDirectory) : [];
                File.Delete(editorconfigPath);
                return (run, diagnostics);
            }
            finally
            {
                _gate.Release();
            }
        }

        public Task DisposeAsync()
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            return Task.CompletedTask;
        }

        private static void Ensure(CliRun run)
        {
            if (!run.Succeeded)
            {
                throw new InvalidOperationException(run.Describe() + "\n" + run.Tail(80));
            }
        }
    }
}

/// <summary>The analysis-mode .globalconfig files in the repository list every rule of the catalog at
/// the severity the mode promises (fast: reads files only).</summary>
public sealed class AnalysisModeConfigTests
{
    private static readonly IReadOnlyList<DiagnosticDescriptor> Catalog = typeof(Descriptors)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToList();

    public static TheoryData<string> Modes => new() { "Recommended", "All", "None" };

    [Theory]
    [MemberData(nameof(Modes))]
    public void GlobalConfig_ListsEveryRuleAtTheModesSeverity(string mode)
    {
        var path = RepositoryRoot.Combine("src", "AsyncPatterns.Analyzers.Package", "build", $"asyncpatterns_{mode.ToLowerInvariant()}.globalconfig");
        Assert.True(File.Exists(path), path + " is missing");
        var lines = File.ReadAllLines(path);
        Assert.Contains("is_global = true", lines);
        var listed = lines
            .Select(l => Regex.Match(l, @"^dotnet_diagnostic\.(?<id>AP\d{4})\.severity\s*=\s*(?<severity>\w+)\s*$"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["id"].Value, m => m.Groups["severity"].Value);

        var offenders = new List<string>();
        foreach (var descriptor in Catalog)
        {
            var expected = (mode, descriptor.DefaultSeverity) switch
            {
                ("None", _) => "none",
                (_, DiagnosticSeverity.Error) => "error",
                ("All", _) => "warning",
                (_, DiagnosticSeverity.Info) => "warning",
                (_, DiagnosticSeverity.Warning) => "warning",
                _ => "silent",
            };
            if (!listed.TryGetValue(descriptor.Id, out var actual))
            {
                offenders.Add($"{descriptor.Id}: missing (expected 'dotnet_diagnostic.{descriptor.Id}.severity = {expected}')");
            }
            else if (actual != expected)
            {
                offenders.Add($"{descriptor.Id}: '{actual}', expected '{expected}'");
            }
        }

        offenders.AddRange(listed.Keys.Where(id => Catalog.All(d => d.Id != id)).Select(id => $"{id}: not in the catalog"));
        Assert.True(offenders.Count == 0, $"{Path.GetFileName(path)}:\n  " + string.Join("\n  ", offenders));
    }

    [Fact]
    public void Package_ShipsTheModeFiles()
    {
        var project = File.ReadAllText(RepositoryRoot.Combine("src", "AsyncPatterns.Analyzers.Package", "AsyncPatterns.Analyzers.Package.csproj"));
        Assert.Contains(@"build\*.globalconfig", project, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.Combine("src", "AsyncPatterns.Analyzers.Package", "build", "AsyncPatterns.Analyzers.props")));
        Assert.True(File.Exists(RepositoryRoot.Combine("src", "AsyncPatterns.Analyzers.Package", "build", "AsyncPatterns.Analyzers.targets")));
    }
}

/// <summary>The classes that run <c>dotnet pack</c> on the repository (Release, same obj/ folders)
/// must not run at the same time.</summary>
public static class PackCollection
{
    public const string Name = "dotnet pack";
}
