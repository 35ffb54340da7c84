using System.Globalization;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Benchmarks;

/// <summary>Markdown tables: medians with their spread (min–max) over the repetitions.</summary>
internal static class Report
{
    private const int PeerRulesShown = 5;

    public static IEnumerable<string> Size(SizeResult r, IReadOnlyList<AnalyzerPackage> packages, bool allRules)
    {
        var compile = Stat.Of(r.Compile.Select(c => c.WallMs));
        var baseline = Stat.Of(r.Baseline.Select(b => b.WallMs));
        var baselineAlloc = Median(r.Baseline.Select(b => (double)b.AllocatedBytes));
        var baselineCpu = Median(r.Baseline.Select(b => b.CpuMs));
        yield return $"## {r.Files} files";
        yield return "";
        yield return $"{r.Files} generated files + 3 fixed ones ({r.Trees} syntax trees, {r.Check.Methods} methods); compiler errors {r.Check.Errors}, warnings {r.Check.Warnings}; load average before {r.LoadBefore}, after {r.LoadAfter}.";
        foreach (var e in r.Check.FirstErrors)
        {
            yield return $"- compiler error: `{e}`";
        }

        yield return "";
        yield return $"Compiler alone (`GetDiagnostics`, binding + diagnostics): {compile} ms wall, {F(Median(r.Compile.Select(c => c.CpuMs)))} ms CPU, {PerFile(compile.Median, r.Files)} µs/file, {Mb(Median(r.Compile.Select(c => (double)c.AllocatedBytes)))} MB allocated. "
            + $"Analyzer driver with an empty analyzer (compiler included): {baseline} ms wall, {F(baselineCpu)} ms CPU, {Mb(baselineAlloc)} MB.";
        yield return "";
        yield return "| package | analyzer time ms (median, min–max) | µs/file | % of compile | rules run | per-rule mean ms | slowest rule ms | wall over driver baseline ms | CPU over baseline ms | allocated over baseline MB | diagnostics | analyzer exceptions |";
        yield return "|---|---|---|---|---|---|---|---|---|---|---|---|";
        foreach (var p in packages)
        {
            var runs = r.Packages[p.Name];
            var total = Stat.Of(runs.Select(x => x.TotalExecutionMs));
            var rules = RuleStats(p, runs);
            var ran = rules.Where(x => x.Time.Median > 0).ToList();
            var slowest = rules.OrderByDescending(x => x.Time.Median).FirstOrDefault();
            yield return $"| {p.ShortName} | {total} | {PerFile(total.Median, r.Files)} | {Pct(total.Median, compile.Median)} | {ran.Count} | {F(ran.Count == 0 ? 0 : ran.Average(x => x.Time.Median))} | {(slowest is null ? "" : $"{F(slowest.Time.Median)} ({slowest.Name})")} | {F(Median(runs.Select(x => x.WallMs)) - baseline.Median)} | {F(Median(runs.Select(x => x.CpuMs)) - baselineCpu)} | {Mb(Median(runs.Select(x => (double)x.AllocatedBytes)) - baselineAlloc)} | {runs[^1].Diagnostics.Values.Sum()} | {runs.Max(x => x.Exceptions)} |";
        }

        yield return "";
        foreach (var p in packages)
        {
            var runs = r.Packages[p.Name];
            foreach (var sample in runs.SelectMany(x => x.ExceptionSamples).Distinct().Take(3))
            {
                yield return $"- {p.ShortName} analyzer exception: {sample}";
            }

            var ours = p.Name is AnalyzerPackage.Ours or AnalyzerPackage.Compared;
            var rules = RuleStats(p, runs).OrderByDescending(x => x.Time.Median).ToList();
            var shown = ours || allRules ? rules : rules.Take(PeerRulesShown).ToList();
            yield return ours || allRules
                ? $"### {p.Name}: every rule"
                : $"### {p.Name}: the {shown.Count} slowest of {rules.Count(x => x.Time.Median > 0)} rules that ran";
            yield return "";
            yield return "| analyzer | IDs | ms (median, min–max) | µs/file | % of compile | diagnostics |";
            yield return "|---|---|---|---|---|---|";
            foreach (var rule in shown)
            {
                yield return $"| {rule.Name} | {rule.Ids} | {rule.Time} | {PerFile(rule.Time.Median, r.Files)} | {Pct(rule.Time.Median, compile.Median)} | {rule.Diagnostics} |";
            }

            yield return "";
        }

        foreach (var line in Comparison(r, packages))
        {
            yield return line;
        }

        if (!r.Floor.IsEmpty)
        {
            yield return "### The driver's floor: one action that does nothing, per kind";
            yield return "";
            yield return "What a rule's telemetry holds before its own code runs, for each action it registers (one run).";
            yield return "";
            yield return "| action on | callbacks | ms | ns per callback | % of compile |";
            yield return "|---|---|---|---|---|";
            foreach (var f in r.Floor.OrderByDescending(f => f.Ms))
            {
                yield return $"| {f.Kind} | {f.Callbacks} | {F(f.Ms)} | {F(f.Callbacks == 0 ? 0 : f.Ms * 1e6 / f.Callbacks)} | {Pct(f.Ms, compile.Median)} |";
            }

            yield return "";
        }

        if (r.Isolated.Count > 0)
        {
            yield return "### Each of our analyzers alone (over the driver baseline)";
            yield return "";
            // No CPU column: the process's CPU time includes the runtime's background threads, whose
            // spread between runs is larger than one rule's own time.
            yield return "| analyzer | analyzer time ms alone (median, min–max) | allocated MB (median, min–max) | bytes/file | wall ms (median) |";
            yield return "|---|---|---|---|---|";
            foreach (var (type, runs) in r.Isolated.OrderBy(x => x.Key.Name, StringComparer.Ordinal))
            {
                var alloc = Stat.Of(runs.Select(x => (x.AllocatedBytes - baselineAlloc) / (1024 * 1024)));
                var time = Stat.Of(runs.Select(x => x.TotalExecutionMs));
                yield return $"| {type.Name} | {time} | {alloc} | {F(alloc.Median * 1024 * 1024 / r.Files)} | {F(Median(runs.Select(x => x.WallMs)) - baseline.Median)} |";
            }

            yield return "";
        }
    }

    /// <summary>
    /// Ours against the build given with --compare-ours. Both ran in every repetition, one right after
    /// the other, so the ratio of the two in each repetition is compared: a drift of the machine
    /// between repetitions moves both.
    /// </summary>
    private static IEnumerable<string> Comparison(SizeResult r, IReadOnlyList<AnalyzerPackage> packages)
    {
        var ours = packages.FirstOrDefault(p => p.Name == AnalyzerPackage.Ours);
        var compared = packages.FirstOrDefault(p => p.Name == AnalyzerPackage.Compared);
        if (ours is null || compared is null)
        {
            yield break;
        }

        var a = r.Packages[ours.Name];
        var b = r.Packages[compared.Name];
        var byName = compared.Analyzers.Select(x => x.GetType()).Distinct().ToDictionary(t => t.Name, StringComparer.Ordinal);
        yield return "### Ours against the compared build";
        yield return "";
        yield return "| analyzer | ours ms (median) | compared ms (median) | ours / compared, per repetition (median, min–max) |";
        yield return "|---|---|---|---|";
        foreach (var type in ours.Analyzers.Select(x => x.GetType()).Distinct().OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(type.Name, out var other))
            {
                yield return $"| {type.Name} | {F(Median(a.Select(x => x.ExecutionMs.GetValueOrDefault(type))))} | (not in the compared build) | |";
                continue;
            }

            yield return Row(type.Name, x => x.ExecutionMs.GetValueOrDefault(type), x => x.ExecutionMs.GetValueOrDefault(other));
        }

        yield return Row("**all rules**", x => x.TotalExecutionMs, x => x.TotalExecutionMs);
        yield return "";

        string Row(string name, Func<PackageRun, double> ofOurs, Func<PackageRun, double> ofCompared)
        {
            var ratios = a.Zip(b, (x, y) => ofCompared(y) > 0 ? ofOurs(x) / ofCompared(y) : double.NaN).Where(v => !double.IsNaN(v));
            var ratio = Stat.Of(ratios);
            string R(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", CultureInfo.InvariantCulture);
            return $"| {name} | {F(Median(a.Select(ofOurs)))} | {F(Median(b.Select(ofCompared)))} | {R(ratio.Median)} ({R(ratio.Min)}–{R(ratio.Max)}) |";
        }
    }

    public static IEnumerable<string> Scaling(IReadOnlyList<SizeResult> results, IReadOnlyList<AnalyzerPackage> packages)
    {
        if (results.Count < 2)
        {
            yield break;
        }

        yield return "## Time per file (µs) by size";
        yield return "";
        yield return "Median analyzer time per generated file; the last column is largest size over smallest (1.00 = flat, target ≤ 1.20 for ours).";
        yield return "";
        yield return "| what | " + string.Join(" | ", results.Select(r => r.Files.ToString(CultureInfo.InvariantCulture))) + " | growth |";
        yield return "|---|" + string.Concat(results.Select(_ => "---|")) + "---|";
        var rows = new List<(string Name, double[] PerFile)>
        {
            ("compiler", results.Select(r => Median(r.Compile.Select(c => c.WallMs)) * 1000 / r.Files).ToArray()),
        };
        foreach (var p in packages)
        {
            rows.Add((p.ShortName, results.Select(r => Median(r.Packages[p.Name].Select(x => x.TotalExecutionMs)) * 1000 / r.Files).ToArray()));
        }

        var ours = packages.FirstOrDefault(p => p.Name == AnalyzerPackage.Ours);
        if (ours is not null)
        {
            foreach (var type in ours.Analyzers.Select(a => a.GetType()).Distinct().OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                rows.Add(("· " + type.Name, results.Select(r => Median(r.Packages[ours.Name].Select(x => x.ExecutionMs.GetValueOrDefault(type))) * 1000 / r.Files).ToArray()));
            }
        }

        foreach (var (name, perFile) in rows)
        {
            var growth = perFile[0] > 0 ? perFile[^1] / perFile[0] : double.NaN;
            yield return $"| {name} | " + string.Join(" | ", perFile.Select(F)) + $" | {growth.ToString("0.00", CultureInfo.InvariantCulture)} |";
        }

        yield return "";
    }

    /// <summary>The targets of docs/performance.md, judged on this run (largest size, smallest to largest for flatness).</summary>
    public static IEnumerable<string> Targets(IReadOnlyList<SizeResult> results, IReadOnlyList<AnalyzerPackage> packages)
    {
        var ours = packages.FirstOrDefault(p => p.Name == AnalyzerPackage.Ours);
        if (ours is null || results.Count == 0)
        {
            yield break;
        }

        var largest = results[^1];
        var compile = Median(largest.Compile.Select(c => c.WallMs));
        var total = Median(largest.Packages[ours.Name].Select(x => x.TotalExecutionMs));
        var share = 100 * total / compile;
        yield return "## Targets, on this run";
        yield return "";
        yield return $"- all AP rules together ≤ 3% of the compiler's time at {largest.Files} files: {Pct(total, compile)} — {(share <= 3 ? "met" : "missed")}";

        var ourRules = RuleStats(ours, largest.Packages[ours.Name]).OrderByDescending(x => x.Time.Median).ToList();
        foreach (var peer in packages.Where(p => p.Name is not (AnalyzerPackage.Ours or AnalyzerPackage.Compared)))
        {
            var ran = RuleStats(peer, largest.Packages[peer.Name]).Where(x => x.Time.Median > 0).ToList();
            if (ran.Count == 0)
            {
                continue;
            }

            var mean = ran.Average(x => x.Time.Median);
            var above = ourRules.Where(x => x.Time.Median >= mean).Select(x => $"{x.Ids} {F(x.Time.Median)}").ToList();
            yield return $"- each AP rule below {peer.ShortName}'s time per rule ({F(mean)} ms, mean of {ran.Count} rules): "
                + (above.Count == 0 ? $"met (slowest AP rule {F(ourRules[0].Time.Median)} ms)" : $"missed by {string.Join(", ", above)}");
        }

        // Flat both ways: a fall means fixed per-compilation costs that a small code base shows.
        double PerFileOf(SizeResult r) => Median(r.Packages[ours.Name].Select(x => x.TotalExecutionMs)) * 1000 / r.Files;
        for (var i = 0; i < results.Count - 1; i++)
        {
            var growth = PerFileOf(largest) / PerFileOf(results[i]);
            var flat = growth >= 0.8 && growth <= 1.2;
            yield return $"- time per file flat within 20% from {results[i].Files} to {largest.Files} files: {growth.ToString("0.00", CultureInfo.InvariantCulture)}× — {(flat ? "met" : "missed")}";
        }

        yield return "";
    }

    public static string ClosingLine(SizeResult r, IReadOnlyList<AnalyzerPackage> packages)
    {
        var compile = Median(r.Compile.Select(c => c.WallMs));
        double Total(string shortName)
        {
            var p = packages.FirstOrDefault(x => x.ShortName == shortName);
            return p is null ? double.NaN : Median(r.Packages[p.Name].Select(x => x.TotalExecutionMs));
        }

        var ours = Total("ours");
        return $"bench {r.Files} files: ours {F(ours)} ms ({Pct(ours, compile)} of compile), VSTHRD {F(Total("VSTHRD"))} ms, AsyncFixer {F(Total("AsyncFixer"))} ms, Meziantou {F(Total("Meziantou"))} ms, IDisposable {F(Total("IDisposable"))} ms";
    }

    private sealed record RuleStat(string Name, string Ids, Stat Time, int Diagnostics);

    private static List<RuleStat> RuleStats(AnalyzerPackage p, List<PackageRun> runs)
        => p.Analyzers
            .GroupBy(a => a.GetType())
            .Where(g => g.Any(Runner.IsEnabledByDefault))
            .Select(g => new RuleStat(
                g.Key.Name,
                string.Join(", ", g.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().Order(StringComparer.Ordinal)),
                Stat.Of(runs.Select(x => x.ExecutionMs.GetValueOrDefault(g.Key))),
                runs[^1].Diagnostics.GetValueOrDefault(g.Key)))
            .ToList();

    private static double Median(IEnumerable<double> values) => Stat.Of(values).Median;

    private static string F(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString(ms >= 100 ? "0" : ms >= 1 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    private static string PerFile(double ms, int files) => F(ms * 1000 / files);

    private static string Pct(double part, double whole) => whole > 0 && !double.IsNaN(part) ? (100 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Mb(double bytes) => (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    internal readonly record struct Stat(double Median, double Min, double Max)
    {
        public static Stat Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            if (sorted.Length == 0)
            {
                return new Stat(double.NaN, double.NaN, double.NaN);
            }

            var mid = sorted.Length / 2;
            var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
            return new Stat(median, sorted[0], sorted[^1]);
        }

        public override string ToString() => $"{F(Median)} ({F(Min)}–{F(Max)})";
    }
}
