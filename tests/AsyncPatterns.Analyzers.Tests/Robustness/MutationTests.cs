using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>
/// Every analyzer and every code fix on deterministic mutations of every C# source the suite
/// holds (rule test inputs, docs blocks, samples): an analyzer runs on every keystroke of
/// half-written code, and a single AD0001 makes users turn the package off. Zero exceptions
/// allowed; a failure prints the smallest variant that still throws.
/// <para>The default is a fast slice (a deterministic sample of sources and of variants per
/// source). <c>AP_MUTATION_LONG=1</c> runs every source with many more variants (20-30 minutes);
/// <c>AP_MUTATION_SOURCES</c> and <c>AP_MUTATION_PER_KIND</c> set the sample's size;
/// <c>AP_MUTATION_SEED=n</c> changes the seed, to explore beyond the fixed slice.</para>
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private static bool Long => Environment.GetEnvironmentVariable("AP_MUTATION_LONG") == "1";

    private static int Seed => Setting("AP_MUTATION_SEED", 7);

    private static string Slice => Long ? "long run"
        : Environment.GetEnvironmentVariable("AP_MUTATION_SOURCES") is null && Environment.GetEnvironmentVariable("AP_MUTATION_PER_KIND") is null ? "fast slice"
        : "custom slice";

    /// <summary>An integer from the environment (AP_MUTATION_SEED, AP_MUTATION_SOURCES,
    /// AP_MUTATION_PER_KIND), or <paramref name="fallback"/>.</summary>
    private static int Setting(string name, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    [Fact]
    public void Inputs_AreFound()
    {
        var inputs = TestInputs.All;
        var origins = inputs.Select(i => i.Origin.Split(':')[0]).Distinct().ToList();
        output.WriteLine($"{inputs.Length} sources from {origins.Count} files:\n  " + string.Join("\n  ", origins));
        Assert.Contains(inputs, i => i.Origin.StartsWith("Lifetime/", StringComparison.Ordinal));
        Assert.Contains(inputs, i => i.Origin.StartsWith("docs/", StringComparison.Ordinal));
        Assert.Contains(inputs, i => i.Origin.StartsWith("samples/", StringComparison.Ordinal));

        // Every rule test class contributes sources: an extraction that silently stopped working
        // would make the mutation and fix tests vacuous.
        var testsRoot = Meta.RepositoryRoot.Combine("tests", "AsyncPatterns.Analyzers.Tests");
        var silent = TestInputs.RuleTestFolders
            .Select(f => Path.Combine(testsRoot, f))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*Tests.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(testsRoot, f).Replace('\\', '/'))
            .Where(f => !origins.Contains(f))
            .ToList();
        Assert.True(silent.Count == 0, "No C# source extracted from: " + string.Join(", ", silent));
    }

    [Fact]
    public async Task NoAnalyzerOrFixThrows_OnMutatedSources()
    {
        var stopwatch = Stopwatch.StartNew();
        // The fast slice takes about a minute on a loaded two-core machine.
        var (sourceCount, perKind, maxDiagnostics) = Long ? (int.MaxValue, 12, int.MaxValue) : (60, 2, 4);
        sourceCount = Setting("AP_MUTATION_SOURCES", sourceCount);
        perKind = Setting("AP_MUTATION_PER_KIND", perKind);
        var sources = Select(TestInputs.All, sourceCount);
        var counters = new RunCounters();
        var failures = new List<(TestInput Input, Variant Variant, Failure Failure)>();
        foreach (var input in sources)
        {
            var baseSolution = RobustnessRunner.CreateSolution(input, input.Text);
            await baseSolution.Projects.Single().GetCompilationAsync();
            foreach (var variant in Variants.Of(input.Text, perKind, Seed))
            {
                counters.AddVariant();
                var found = await RobustnessRunner.RunEverythingAsync(input, variant.Text, counters, maxDiagnostics, CancellationToken.None, baseSolution: baseSolution);
                foreach (var failure in found)
                {
                    if (failures.All(f => f.Failure.Signature != failure.Signature))
                    {
                        failures.Add((input, variant, failure));
                    }
                }
            }
        }

        var summary = $"[robustness] mutation: {sources.Count} sources, {counters.Variants} variants, {counters.Diagnostics} diagnostics, " +
            $"{counters.Fixes} fixes tried, {failures.Count} exceptions ({counters.FixAllRuns} Fix All runs; {Slice}, seed {Seed}, {stopwatch.Elapsed.TotalSeconds:F0} s)";
        TestReport.Write(output, summary);

        if (failures.Count > 0)
        {
            var messages = new List<string>();
            foreach (var (input, variant, failure) in failures.Take(5))
            {
                var (smallest, last) = await RobustnessRunner.MinimizeAsync(input, variant.Text, failure);
                messages.Add(RobustnessRunner.Describe(input, variant.Name, smallest, last));
            }

            Assert.Fail($"{failures.Count} distinct exceptions from analyzers or code fixes:\n\n" + string.Join("\n", messages));
        }
    }

    /// <summary>A deterministic sample that spreads over the origin files: round robin over the
    /// files, in order, until <paramref name="count"/> sources are taken.</summary>
    private static List<TestInput> Select(IReadOnlyList<TestInput> inputs, int count)
    {
        if (count >= inputs.Count)
        {
            return [.. inputs];
        }

        var random = new Random(Seed);
        var queues = inputs.GroupBy(i => i.Origin.Split(':')[0])
            .Select(g => new Queue<TestInput>(g.OrderBy(_ => random.Next())))
            .ToList();
        var selected = new List<TestInput>();
        while (selected.Count < count)
        {
            foreach (var queue in queues.Where(q => q.Count > 0))
            {
                if (selected.Count < count)
                {
                    selected.Add(queue.Dequeue());
                }
            }
        }

        return selected;
    }
}
