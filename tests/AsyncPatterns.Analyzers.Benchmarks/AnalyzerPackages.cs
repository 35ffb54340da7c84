using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Benchmarks;

/// <summary>One analyzer package: its C# analyzers, loaded from the DLLs the build copied to
/// <c>analyzers/&lt;package&gt;/</c> next to the benchmark.</summary>
internal sealed record AnalyzerPackage(string Name, string ShortName, string Version, ImmutableArray<DiagnosticAnalyzer> Analyzers, ImmutableArray<string> LoadErrors)
{
    public const string Ours = "AsyncPatterns.Analyzers";

    /// <summary>With --compare-ours: another build of ours, measured in the same repetitions.</summary>
    public const string Compared = "AsyncPatterns.Analyzers (compared)";

    /// <summary>The packages, ours first, in the order of the closing line.</summary>
    public static readonly (string Name, string ShortName)[] Known =
    [
        (Ours, "ours"),
        ("Microsoft.VisualStudio.Threading.Analyzers", "VSTHRD"),
        ("AsyncFixer", "AsyncFixer"),
        ("Meziantou.Analyzer", "Meziantou"),
        ("IDisposableAnalyzers", "IDisposable"),
    ];

    public static AnalyzerPackage Load(string name, string shortName, string? directory = null)
    {
        directory ??= Path.Combine(AppContext.BaseDirectory, "analyzers", name);
        var errors = ImmutableArray.CreateBuilder<string>();
        if (!Directory.Exists(directory))
        {
            errors.Add($"'{directory}' is missing (the build copies it)");
            return new AnalyzerPackage(name, shortName, "?", ImmutableArray<DiagnosticAnalyzer>.Empty, errors.ToImmutable());
        }

        var loader = new DirectoryAnalyzerLoader(directory);
        var analyzers = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        var version = "?";
        // Code-fix assemblies need Workspaces, which the command-line compiler never loads either.
        foreach (var path in Directory.GetFiles(directory, "*.dll").Where(p => !p.Contains("CodeFix", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            var reference = new AnalyzerFileReference(path, loader);
            reference.AnalyzerLoadFailed += (_, e) => errors.Add($"{Path.GetFileName(path)}: {e.ErrorCode} {e.TypeName} {e.Message}");
            var found = reference.GetAnalyzers(LanguageNames.CSharp);
            analyzers.AddRange(found);
            if (Path.GetFileNameWithoutExtension(path) == name || version == "?")
            {
                version = FileVersion(path) ?? version;
            }
        }

        var packageVersion = Path.Combine(directory, "package-version.txt");
        if (File.Exists(packageVersion))
        {
            version = File.ReadAllText(packageVersion).Trim();
        }

        return new AnalyzerPackage(name, shortName, version, analyzers.ToImmutable(), errors.ToImmutable());
    }

    /// <summary>The Roslyn version each package's assemblies were built against (the oldest host they load in).</summary>
    public string RoslynReference()
    {
        var versions = Analyzers.Select(a => a.GetType().Assembly).Distinct()
            .SelectMany(a => a.GetReferencedAssemblies())
            .Where(r => r.Name == "Microsoft.CodeAnalysis")
            .Select(r => r.Version?.ToString() ?? "?")
            .Distinct()
            .ToList();
        return versions.Count == 0 ? "?" : string.Join("/", versions);
    }

    private static string? FileVersion(string path)
    {
        var info = System.Diagnostics.FileVersionInfo.GetVersionInfo(path);
        var v = info.ProductVersion ?? info.FileVersion;
        return v?.Split('+')[0];
    }

    /// <summary>Loads a package's assemblies (and their private dependencies) into their own
    /// load context; Roslyn and the framework come from the host, as in the compiler.</summary>
    private sealed class DirectoryAnalyzerLoader(string directory) : IAnalyzerAssemblyLoader
    {
        private readonly Context _context = new(directory);

        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => _context.LoadFromAssemblyPath(fullPath);

        private sealed class Context(string directory) : AssemblyLoadContext("analyzers:" + Path.GetFileName(directory))
        {
            protected override Assembly? Load(AssemblyName assemblyName)
            {
                if (assemblyName.Name is null || assemblyName.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || assemblyName.Name.StartsWith("System.", StringComparison.Ordinal))
                {
                    return null;
                }

                var candidate = Path.Combine(directory, assemblyName.Name + ".dll");
                return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
            }
        }
    }
}
