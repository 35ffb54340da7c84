using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using AsyncPatterns.Analyzers.Benchmarks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// The cost of every rule, next to the compiler's own and the peer packages', on one generated
// EF Core + ASP.NET Core code base per size. See docs/performance.md.
//   dotnet run -c Release --project tests/AsyncPatterns.Analyzers.Benchmarks -- --sizes 250,1000,4000 [--reps 5]
//     [--seed 42] [--packages ours,VSTHRD,...] [--all-rules] [--output report.md] [--dump dir]
//     [--isolate-ours: also run each of our analyzers alone, for its allocations]
//     [--compare-ours dir: also run the build of ours in dir (the analyzers/AsyncPatterns.Analyzers
//      folder of another benchmark build), in the same repetitions, in alternating order]
var options = BenchmarkOptions.Parse(args);
if (options is null)
{
    return 2;
}

var report = new StringBuilder();
void Out(string line = "")
{
    Console.WriteLine(line);
    report.AppendLine(line);
}

Out("# AsyncPatterns.Analyzers benchmark");
Out();
foreach (var line in Machine.Describe())
{
    Out(line);
}

Out($"- command line: `{string.Join(' ', args)}` (sizes {string.Join(",", options.Sizes)}, {options.Repetitions} repetitions, seed {options.Seed})");
Out();

var packages = AnalyzerPackage.Known
    .Where(k => options.Packages is null || options.Packages.Contains(k.ShortName, StringComparer.OrdinalIgnoreCase))
    .Select(k => AnalyzerPackage.Load(k.Name, k.ShortName))
    .ToList();
if (options.CompareOurs is not null)
{
    var at = packages.FindIndex(p => p.Name == AnalyzerPackage.Ours);
    if (at < 0)
    {
        Console.Error.WriteLine("--compare-ours needs ours among --packages");
        return 2;
    }

    packages.Insert(at + 1, AnalyzerPackage.Load(AnalyzerPackage.Compared, "ours-cmp", Path.GetFullPath(options.CompareOurs)));
}

Out("| package | version | Roslyn it references | analyzer types (enabled by default) | load errors |");
Out("|---|---|---|---|---|");
foreach (var p in packages)
{
    var enabled = p.Analyzers.Count(Runner.IsEnabledByDefault);
    Out($"| {p.Name} | {p.Version} | {p.RoslynReference()} | {p.Analyzers.Length} ({enabled}) | {(p.LoadErrors.IsEmpty ? "none" : string.Join("; ", p.LoadErrors.Take(3)) + (p.LoadErrors.Length > 3 ? $"; … {p.LoadErrors.Length} in all" : ""))} |");
}

Out();
packages = packages.Where(p => !p.Analyzers.IsEmpty).ToList();

var references = Runner.LoadReferences();
var generator = new CodeBaseGenerator(options.Seed);

// Warm-up, measured nowhere: the runtime compiles a method first quickly (tier 0, then an
// instrumented tier) and only after many calls, in the background, fully optimized (tier 1).
// Rounds over a few hundred files (four by default; two left the 250-file size measuring
// analyzer code still at tier 0, at twice its steady-state cost), with pauses for the background
// compiler, bring the compiler's and every analyzer's hot paths to tier 1, as in a long-lived
// build server or IDE; otherwise the first size measures partly unoptimized code, ours and the
// peers' alike.
{
    var warm = Runner.Parse(generator.Generate(options.WarmupFiles));
    for (var round = 0; round < options.WarmupRounds; round++)
    {
        var runner = new Runner(warm, references);
        runner.Compile();
        runner.RunBaseline();
        foreach (var p in packages)
        {
            runner.RunPackage(p);
        }

        Thread.Sleep(1000);
    }
}

var results = new List<SizeResult>();
foreach (var size in options.Sizes)
{
    var sources = generator.Generate(size);
    if (options.DumpDirectory is not null)
    {
        Runner.Dump(sources, Path.Combine(options.DumpDirectory, size.ToString(CultureInfo.InvariantCulture)));
    }

    var trees = Runner.Parse(sources);
    var runner = new Runner(trees, references);
    var check = runner.CheckCompiles();
    var loadBefore = Machine.LoadAverage();
    var result = new SizeResult(size, trees.Length, check);
    for (var rep = 0; rep < options.Repetitions; rep++)
    {
        var repTimes = new List<string>();
        result.Compile.Add(runner.Compile());
        result.Baseline.Add(runner.RunBaseline());
        foreach (var p in OrderForRepetition(packages, rep))
        {
            var packageRun = runner.RunPackage(p);
            result.Add(p, packageRun);
            repTimes.Add($"{p.Name} {packageRun.ExecutionMs.Values.Sum():F0} ms");
            if (options.IsolateOurs && p.Name == AnalyzerPackage.Ours)
            {
                foreach (var group in p.Analyzers.GroupBy(a => a.GetType()))
                {
                    var run = runner.RunAlone(group);
                    if (!result.Isolated.TryGetValue(group.Key, out var list))
                    {
                        result.Isolated[group.Key] = list = [];
                    }

                    list.Add(run);
                }
            }
        }

        Console.Error.WriteLine($"  {size} files: repetition {rep + 1}/{options.Repetitions} done ({string.Join(", ", repTimes)}), load {Machine.LoadAverage()}");
    }

    result.Floor = runner.RunFloor();
    if (options.ListDiagnosticsPath is not null)
    {
        var ours = packages.FirstOrDefault(p => p.Name == AnalyzerPackage.Ours);
        if (ours is not null)
        {
            File.AppendAllLines(options.ListDiagnosticsPath, runner.ListDiagnostics(ours).Prepend($"# {size} files"));
        }
    }

    result.LoadBefore = loadBefore;
    result.LoadAfter = Machine.LoadAverage();
    results.Add(result);
    foreach (var line in Report.Size(result, packages, options.AllRules))
    {
        Out(line);
    }
}

foreach (var line in Report.Scaling(results, packages))
{
    Out(line);
}

foreach (var line in Report.Targets(results, packages))
{
    Out(line);
}

Out();
foreach (var r in results)
{
    Out(Report.ClosingLine(r, packages));
}

if (options.OutputPath is not null)
{
    File.WriteAllText(options.OutputPath, report.ToString());
    Console.Error.WriteLine($"report written to {options.OutputPath}");
}

return 0;

// Two builds of ours take turns at running first, so neither always finds the heap the other left.
static IEnumerable<AnalyzerPackage> OrderForRepetition(List<AnalyzerPackage> packages, int rep)
{
    var ours = packages.FindIndex(p => p.Name == AnalyzerPackage.Ours);
    if (rep % 2 == 0 || ours < 0 || ours + 1 >= packages.Count || packages[ours + 1].Name != AnalyzerPackage.Compared)
    {
        return packages;
    }

    var swapped = packages.ToList();
    (swapped[ours], swapped[ours + 1]) = (swapped[ours + 1], swapped[ours]);
    return swapped;
}

internal sealed record BenchmarkOptions(int[] Sizes, int Repetitions, int Seed, string[]? Packages, bool AllRules, string? OutputPath, string? DumpDirectory, bool IsolateOurs, int WarmupFiles, int WarmupRounds, string? ListDiagnosticsPath, string? CompareOurs)
{
    public static BenchmarkOptions? Parse(string[] args)
    {
        var o = new BenchmarkOptions([250, 1000, 4000], 5, 42, null, false, null, null, false, 200, 4, null, null);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--sizes": o = o with { Sizes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() }; break;
                case "--reps": o = o with { Repetitions = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--seed": o = o with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--packages": o = o with { Packages = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) }; break;
                case "--all-rules": o = o with { AllRules = true }; break;
                case "--output": o = o with { OutputPath = Value() }; break;
                case "--dump": o = o with { DumpDirectory = Value() }; break;
                case "--isolate-ours": o = o with { IsolateOurs = true }; break;
                case "--warmup": o = o with { WarmupFiles = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--warmup-rounds": o = o with { WarmupRounds = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--list-diagnostics": o = o with { ListDiagnosticsPath = Value() }; break;
                case "--compare-ours": o = o with { CompareOurs = Value() }; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: --sizes 250,1000,4000 --reps 5 --seed 42 --packages ours,VSTHRD,AsyncFixer,Meziantou,IDisposable --all-rules --output report.md --dump dir --isolate-ours --warmup 200 --warmup-rounds 4 --list-diagnostics file --compare-ours dir");
                    return null;
            }
        }

        return o;
    }
}

internal static class Machine
{
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    public static IEnumerable<string> Describe()
    {
        var cpu = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        yield return $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";
        yield return $"- machine: {Environment.ProcessorCount} logical processors (nproc), {cpu}, {RuntimeInformation.OSDescription}";
        yield return $"- load average at start (1, 5, 15 min): {LoadAverage()}";
        yield return $"- runtime: {RuntimeInformation.FrameworkDescription}, SDK {Sdk()}, server GC {GCSettings.IsServerGC}, host Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}";
        yield return "- compilation: C# latest, nullable enabled, concurrentBuild false; analyzers: concurrentAnalysis false, logAnalyzerExecutionTime true, default severities (rules disabled by default do not run)";
    }

    private static string Sdk()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p is null)
            {
                return "?";
            }

            var v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return v.Length == 0 ? "?" : v;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
