using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>
/// Every code action of every fix, applied to every diagnostic our analyzers report on the
/// suite's inputs that compile (rule test inputs, docs blocks, samples): the result has no
/// compiler error the input did not have, and Fix All (solution scope, the first action's
/// equivalence key) is idempotent — run again on its own result it changes nothing. A fix that
/// leaves a follow-up diagnostic for another rule is fine; only new compiler errors, exceptions
/// and a second Fix All that still changes the code are failures.
/// </summary>
public sealed partial class FixCompilationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryFix_Compiles_AndFixAllIsIdempotent()
    {
        var stopwatch = Stopwatch.StartNew();
        var broken = new List<string>();
        int inputs = 0, diagnosticCount = 0, applied = 0, fixAllRuns = 0, skipped = 0;
        foreach (var input in TestInputs.All)
        {
            var solution = RobustnessRunner.CreateSolution(input, input.Text);
            var before = await ErrorsAsync(solution, input);
            if (before.Count > 0)
            {
                skipped++;
                continue; // inputs that prove the rules on broken code are the mutation test's business
            }

            inputs++;
            var failures = new List<Failure>();
            var document = RobustnessRunner.MainDocument(solution);
            var diagnostics = await RobustnessRunner.AnalyzeAsync(document.Project, failures);
            var fixAllDone = new HashSet<(CodeFixProvider, string?)>();
            foreach (var diagnostic in diagnostics.Where(d => d.Location.SourceTree?.FilePath == TestInput.Path).OrderBy(d => d.Location.SourceSpan.Start))
            {
                diagnosticCount++;
                foreach (var provider in RuleCatalog.FixesFor(diagnostic.Id))
                {
                    var actions = await RobustnessRunner.ActionsAsync(provider, document, diagnostic, failures, CancellationToken.None);
                    foreach (var action in actions)
                    {
                        var changed = await RobustnessRunner.ApplyAsync(action, provider.GetType().Name, failures, CancellationToken.None);
                        if (changed is null)
                        {
                            continue;
                        }

                        applied++;
                        if (await NewErrorsAsync(changed, input, before) is { Length: > 0 } errors)
                        {
                            broken.Add($"{input.Origin}: '{action.Title}' ({action.EquivalenceKey}) for {diagnostic} leaves new compiler errors:\n{errors}");
                        }
                    }

                    if (actions.IsEmpty || !fixAllDone.Add((provider, actions[0].EquivalenceKey)))
                    {
                        continue;
                    }

                    fixAllRuns++;
                    var key = actions[0].EquivalenceKey;
                    var first = await RobustnessRunner.FixAllAsync(provider, FixAllScope.Solution, document, key, diagnostics, failures, CancellationToken.None);
                    if (first is null)
                    {
                        continue;
                    }

                    if (await NewErrorsAsync(first, input, before) is { Length: > 0 } fixAllErrors)
                    {
                        broken.Add($"{input.Origin}: Fix All of {provider.GetType().Name} ({key}) leaves new compiler errors:\n{fixAllErrors}");
                        continue;
                    }

                    var firstDocument = RobustnessRunner.MainDocument(first);
                    var remaining = await RobustnessRunner.AnalyzeAsync(firstDocument.Project, failures);
                    var second = await RobustnessRunner.FixAllAsync(provider, FixAllScope.Solution, firstDocument, key, remaining, failures, CancellationToken.None);
                    if (second is not null && await TextAsync(second) is var secondText && secondText != await TextAsync(first))
                    {
                        broken.Add($"{input.Origin}: Fix All of {provider.GetType().Name} ({key}) is not idempotent; the second run changes:\n"
                            + Difference(await TextAsync(first), secondText));
                    }
                }
            }

            broken.AddRange(failures.Select(f => $"{input.Origin}: {f}"));
        }

        var summary = $"[robustness] fixes: {diagnosticCount} diagnostics, {applied} code actions applied, {fixAllRuns} Fix All runs, {broken.Count} broken " +
            $"({inputs} compiling inputs, {skipped} with compiler errors skipped; {stopwatch.Elapsed.TotalSeconds:F0} s)";
        TestReport.Write(output, summary);
        Assert.True(inputs > 0, "No input compiles; the test would prove nothing.");
        Assert.True(broken.Count == 0, string.Join("\n\n", broken));
    }

    private static async Task<Dictionary<string, int>> ErrorsAsync(Solution solution, TestInput input)
        => (await ErrorListAsync(solution, input)).GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());

    private static async Task<List<Diagnostic>> ErrorListAsync(Solution solution, TestInput input)
    {
        var compilation = await solution.Projects.Single().GetCompilationAsync();
        var errors = compilation!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (input.Origin.StartsWith("samples/", StringComparison.Ordinal))
        {
            // The tests compile against EF Core without a database provider; a sample's
            // UseSqlite/UseNpgsql calls are its only errors then, and no fix touches them.
            errors.RemoveAll(e => e.Id == "CS1061" && ProviderCall().IsMatch(e.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return errors;
    }

    [System.Text.RegularExpressions.GeneratedRegex("'Use(Sqlite|Npgsql|SqlServer)'")]
    private static partial System.Text.RegularExpressions.Regex ProviderCall();

    /// <summary>The errors whose ID occurs more often than before, with their lines; empty when none.</summary>
    private static async Task<string> NewErrorsAsync(Solution solution, TestInput input, Dictionary<string, int> before)
    {
        var errors = await ErrorListAsync(solution, input);
        var increased = errors.GroupBy(d => d.Id).Where(g => g.Count() > before.GetValueOrDefault(g.Key)).SelectMany(g => g).ToList();
        var text = new StringBuilder();
        foreach (var error in increased)
        {
            var line = error.Location.IsInSource ? error.Location.SourceTree!.GetText().Lines[error.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim() : string.Empty;
            text.Append("    ").Append(error).Append("\n        ").AppendLine(line);
        }

        if (increased.Count > 0)
        {
            text.AppendLine("  ---- fixed document ----").AppendLine(await TextAsync(solution));
        }

        return text.ToString();
    }

    private static async Task<string> TextAsync(Solution solution)
    {
        var text = new StringBuilder();
        foreach (var document in solution.Projects.Single().Documents.Where(d => d.FilePath == TestInput.Path))
        {
            text.Append(await document.GetTextAsync());
        }

        return text.ToString();
    }

    private static string Difference(string a, string b)
    {
        var left = a.Split('\n');
        var right = b.Split('\n');
        var lines = new StringBuilder();
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var l = i < left.Length ? left[i] : "<none>";
            var r = i < right.Length ? right[i] : "<none>";
            if (l != r)
            {
                lines.Append("    line ").Append(i + 1).Append(":\n      - ").Append(l.TrimEnd()).Append("\n      + ").AppendLine(r.TrimEnd());
            }
        }

        return lines.ToString();
    }
}
