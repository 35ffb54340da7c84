using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AsyncPatterns.Analyzers.Tests.Meta;
using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers.Tests.EndToEnd;

/// <summary>Integration test counts from a TRX file.</summary>
public sealed record TestCounts(int Total, int Passed, int Failed)
{
    public override string ToString() => $"{Passed}/{Total} passed" + (Failed > 0 ? $", {Failed} failed" : "");
}

/// <summary>
/// The sample's whole journey, once for the test class: copy the repository's samples/, src/ and
/// build settings to a temp folder; build the analyzers and the sample with a SARIF error log
/// (before); run the sample's integration tests on it (original); apply every fix with
/// <c>dotnet format analyzers --diagnostics &lt;every AP id&gt; --severity info</c>; build again
/// (after); run the integration tests on the fixed copy. Each step is recorded, never thrown: the
/// tests report what failed, with the step's output.
/// </summary>
public sealed class SampleEndToEndFixture : IAsyncLifetime
{
    private const string SampleProject = "samples/ShopApp/ShopApp.csproj";
    private const string SampleTestsProject = "samples/ShopApp.Tests/ShopApp.Tests.csproj";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(6);

    private readonly List<CliRun> _runs = [];
    private readonly StringBuilder _report = new();

    public string Copy { get; } = Path.Combine(Path.GetTempPath(), "ap-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Every AP id of the catalog: the public static descriptors of <see cref="Descriptors"/>.</summary>
    public IReadOnlyList<string> CatalogIds { get; } = typeof(Descriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
        .Distinct()
        .OrderBy(id => id, StringComparer.Ordinal)
        .ToList();

    /// <summary>The ids whose docs page says, in its property table's "Code fix" row, that there is none.</summary>
    public IReadOnlySet<string> IdsWithoutFix { get; private set; } = new HashSet<string>();

    /// <summary>
    /// The ids whose docs page says the fix is offered only where something is in scope
    /// (<c>| Code fix | Yes, where ... |</c>): a diagnostic of theirs that another rule's fix
    /// produces in a file where they had none may legitimately stay.
    /// </summary>
    public IReadOnlySet<string> IdsWithConditionalFix { get; private set; } = new HashSet<string>();

    /// <summary>
    /// Diagnostics after the fixes that were not there before: a rule whose fix is conditional,
    /// raised in a file where it had nothing to say before the other fixes rewrote the code.
    /// </summary>
    public IReadOnlyList<LoggedDiagnostic> RaisedByOtherFixes =>
        (After ?? []).Where(d => d.IsOurs
                                 && IdsWithConditionalFix.Contains(d.Id)
                                 && !(Before ?? []).Any(b => b.IsOurs && b.Id == d.Id && b.File == d.File))
            .ToList();

    public CliRun? AnalyzerBuild { get; private set; }

    public CliRun? BuildBefore { get; private set; }

    public CliRun? Format { get; private set; }

    public CliRun? BuildAfter { get; private set; }

    public CliRun? TestsOriginal { get; private set; }

    public CliRun? TestsFixed { get; private set; }

    public TestCounts? CountsOriginal { get; private set; }

    public TestCounts? CountsFixed { get; private set; }

    public IReadOnlyList<LoggedDiagnostic>? Before { get; private set; }

    public IReadOnlyList<LoggedDiagnostic>? After { get; private set; }

    /// <summary>Files the fixes changed, relative to the copy's root, with lines removed and added.</summary>
    public IReadOnlyList<(string File, int Removed, int Added)> ChangedFiles { get; private set; } = [];

    /// <summary>Why the pipeline stopped early, when it did.</summary>
    public string? Aborted { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public string Report => _report.ToString();

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await RunPipelineAsync();
        }
        catch (Exception e)
        {
            Aborted = $"the end-to-end pipeline threw: {e}";
        }

        Elapsed = stopwatch.Elapsed;
        WriteReport();
        foreach (var line in Report.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine(line.TrimEnd('\r'));
        }

        // dotnet test shows a test host's console only at detailed verbosity: the report is also
        // written where `./build.sh test` (and so .ci/run) prints it from.
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(ReportPath)!);
            File.WriteAllText(ReportPath, Report);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The console copy is enough.
        }
    }

    /// <summary>Where the last report is written: artifacts/ is ignored by git.</summary>
    public static string ReportPath => RepositoryRoot.Combine("artifacts", "e2e-report.txt");

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("AP_E2E_KEEP") is "1" or "true")
        {
            Console.WriteLine($"[e2e] kept the copy at {Copy} (AP_E2E_KEEP)");
            return Task.CompletedTask;
        }

        try
        {
            Directory.Delete(Copy, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
        catch (UnauthorizedAccessException)
        {
            // Left for the OS to clean.
        }

        return Task.CompletedTask;
    }

    /// <summary>The step that failed and its output, for assertion messages.</summary>
    public string Explain(CliRun? run) =>
        Aborted is not null && run is null ? $"The pipeline stopped early: {Aborted}"
        : run is null ? "The step did not run."
        : $"{run.Describe()}\n--- output (tail) ---\n{run.Tail()}";

    private async Task RunPipelineAsync()
    {
        var root = RepositoryRoot.Path;
        IdsWithoutFix = CatalogIds.Where(id => !HasAutomaticFix(root, id)).ToHashSet();
        IdsWithConditionalFix = CatalogIds.Where(id => HasConditionalFix(root, id)).ToHashSet();

        CopyTree(Path.Combine(root, "samples"), Path.Combine(Copy, "samples"));
        CopyTree(Path.Combine(root, "src"), Path.Combine(Copy, "src"));
        foreach (var file in Directory.GetFiles(root, "Directory.*.props").Append(Path.Combine(root, "nuget.config")).Append(Path.Combine(root, "global.json")))
        {
            if (File.Exists(file))
            {
                File.Copy(file, Path.Combine(Copy, Path.GetFileName(file)));
            }
        }

        // The analyzers first: the sample references them as analyzers, and dotnet format loads
        // them from their build output without building them.
        AnalyzerBuild = await StepAsync("build analyzers", ["build", "src/AsyncPatterns.CodeFixes/AsyncPatterns.CodeFixes.csproj", "-nodeReuse:false", "-v:q"]);
        if (!AnalyzerBuild.Succeeded)
        {
            Aborted = "the analyzer projects did not build";
            return;
        }

        BuildBefore = await BuildSampleAsync("build sample (before)", "before.sarif");
        if (File.Exists(Path.Combine(Copy, "before.sarif")))
        {
            Before = Sarif.Read(Path.Combine(Copy, "before.sarif"), Copy);
        }

        (TestsOriginal, CountsOriginal) = await IntegrationTestsAsync("integration tests (original)", "original.trx", strict: false, build: true);

        var snapshot = SampleSources();
        Format = await StepAsync("dotnet format", [
            "format", "analyzers", SampleProject, "--no-restore",
            "--diagnostics", .. CatalogIds,
            "--severity", "info",
        ]);
        var fixedSources = SampleSources();
        ChangedFiles = snapshot.Keys.Union(fixedSources.Keys)
            .Where(file => snapshot.GetValueOrDefault(file) != fixedSources.GetValueOrDefault(file))
            .OrderBy(file => file, StringComparer.Ordinal)
            .Select(file => (file, LinesNotIn(snapshot.GetValueOrDefault(file), fixedSources.GetValueOrDefault(file)), LinesNotIn(fixedSources.GetValueOrDefault(file), snapshot.GetValueOrDefault(file))))
            .ToList();

        BuildAfter = await BuildSampleAsync("build sample (after)", "after.sarif");
        if (File.Exists(Path.Combine(Copy, "after.sarif")))
        {
            After = Sarif.Read(Path.Combine(Copy, "after.sarif"), Copy);
        }

        // The test project was built in the original run; only the app changed since, and the
        // build above rebuilt it.
        (TestsFixed, CountsFixed) = await IntegrationTestsAsync("integration tests (fixed)", "fixed.trx", strict: true, build: false);
    }

    private Task<CliRun> BuildSampleAsync(string name, string errorLog) =>
        // The analyzers are built already (BuildProjectReferences=false): the error log is the
        // sample's alone, and the analyzer projects are not asked to write it too. The comma of
        // "file,version=2.1" is escaped, or MSBuild would read it as a property separator.
        StepAsync(name, [
            "build", SampleProject, "-nodeReuse:false", "-v:q",
            "-p:BuildProjectReferences=false",
            $"-p:ErrorLog={Path.Combine(Copy, errorLog)}%2Cversion%3D2.1",
        ]);

    private async Task<(CliRun Run, TestCounts? Counts)> IntegrationTestsAsync(string name, string trx, bool strict, bool build)
    {
        var results = Path.Combine(Copy, "TestResults");
        List<string> arguments = ["test", SampleTestsProject, "--results-directory", results, "--logger", $"trx;LogFileName={trx}"];
        if (build)
        {
            arguments.AddRange(["-nodeReuse:false", "-v:q"]);
        }
        else
        {
            arguments.Add("--no-build");
        }

        var environment = new Dictionary<string, string> { ["SHOPAPP_TESTS_STRICT"] = strict ? "1" : "0" };
        var run = await StepAsync(name, arguments, environment);
        var trxPath = Path.Combine(results, trx);
        return (run, File.Exists(trxPath) ? ReadTrx(trxPath) : null);
    }

    private async Task<CliRun> StepAsync(string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = await DotnetCli.RunAsync(name, Copy, arguments, StepTimeout, environment);
        _runs.Add(run);
        return run;
    }

    private static TestCounts ReadTrx(string path)
    {
        var counters = XDocument.Load(path).Descendants().First(e => e.Name.LocalName == "Counters");
        int Count(string attribute) => int.TryParse(counters.Attribute(attribute)?.Value, out var value) ? value : 0;
        return new TestCounts(Count("total"), Count("passed"), Count("failed"));
    }

    /// <summary>The docs page's property table row <c>| Code fix | No ... |</c> means no automatic fix.</summary>
    private static bool HasAutomaticFix(string root, string id)
        => CodeFixRow(root, id) is not { } value || !value.StartsWith("No", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>| Code fix | Yes, where ... |</c>: the fix needs something in scope.</summary>
    private static bool HasConditionalFix(string root, string id)
        => CodeFixRow(root, id) is { } value && value.StartsWith("Yes, where", StringComparison.OrdinalIgnoreCase);

    private static string? CodeFixRow(string root, string id)
    {
        var page = Path.Combine(root, "docs", "rules", id + ".md");
        if (!File.Exists(page))
        {
            return null;
        }

        var row = File.ReadLines(page)
            .Select(line => Regex.Match(line, @"^\|\s*Code fix\s*\|\s*(?<value>[^|]*)\|"))
            .FirstOrDefault(match => match.Success);
        return row?.Groups["value"].Value.Trim();
    }

    private Dictionary<string, string> SampleSources()
    {
        var sample = Path.Combine(Copy, "samples");
        return Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories)
            .Where(file => !IsBuildOutput(Path.GetRelativePath(sample, file)))
            .ToDictionary(file => Path.GetRelativePath(Copy, file).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
    }

    private static int LinesNotIn(string? from, string? other)
    {
        var remaining = (other ?? "").Split('\n').GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var count = 0;
        foreach (var line in (from ?? "").Split('\n'))
        {
            if (remaining.TryGetValue(line, out var n) && n > 0)
            {
                remaining[line] = n - 1;
            }
            else
            {
                count++;
            }
        }

        return from is null ? 0 : count;
    }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Replace('\\', '/').Split('/').Any(part => part is "bin" or "obj" or "TestResults");

    private static void CopyTree(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (IsBuildOutput(relative) || relative.EndsWith(".db", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private void WriteReport()
    {
        void Line(string text) => _report.Append("[e2e] ").AppendLine(text);

        Line($"sample copy: {Copy}; total {Elapsed.TotalSeconds:0} s");
        foreach (var run in _runs)
        {
            Line($"  {run.Describe()}");
        }

        if (Aborted is not null)
        {
            Line($"stopped early: {Aborted}");
        }

        WriteDiagnostics("diagnostics before", Before);
        WriteDiagnostics("diagnostics after", After);

        var raised = (Before ?? []).Where(d => d.IsOurs).Select(d => d.Id).ToHashSet();
        var missing = CatalogIds.Where(id => !raised.Contains(id)).ToList();
        Line($"catalog: {CatalogIds.Count} rules; raised on the sample: {raised.Count}; missing from the sample: {(missing.Count == 0 ? "none" : string.Join(", ", missing))}");
        Line($"rules without an automatic fix (docs): {(IdsWithoutFix.Count == 0 ? "none" : string.Join(", ", IdsWithoutFix.Order()))}");
        var cascade = RaisedByOtherFixes;
        Line($"raised by other fixes' output where the rule's conditional fix does not apply: {(cascade.Count == 0 ? "none" : string.Join("; ", cascade))}");

        Line($"files changed by the fixes: {ChangedFiles.Count}");
        foreach (var (file, removed, added) in ChangedFiles)
        {
            Line($"  {file}  -{removed} +{added}");
        }

        Line($"integration tests: original {CountsOriginal?.ToString() ?? "not run"}; fixed {CountsFixed?.ToString() ?? "not run"}");
    }

    private void WriteDiagnostics(string title, IReadOnlyList<LoggedDiagnostic>? diagnostics)
    {
        void Line(string text) => _report.Append("[e2e] ").AppendLine(text);
        if (diagnostics is null)
        {
            Line($"{title}: no error log");
            return;
        }

        var ours = diagnostics.Where(d => d.IsOurs).ToList();
        var errors = diagnostics.Count(d => !d.IsOurs && d.Level == "error");
        Line($"{title}: {ours.Count} of ours, {errors} compiler errors" + (ours.Count == 0 ? "" : ": "
            + string.Join(", ", ours.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"))));
        foreach (var diagnostic in ours.OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line))
        {
            Line($"  {diagnostic.Id} {diagnostic.Level,-7} {diagnostic.File}:{diagnostic.Line}");
        }
    }
}
