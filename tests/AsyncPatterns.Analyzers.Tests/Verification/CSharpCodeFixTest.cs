using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>Verifies the analyzer on the test code, then applies the code fix one diagnostic at a
/// time and with Fix All in every scope, and checks the results: the expected text, no new
/// compiler diagnostics, and the diagnostics that remain.</summary>
public class CSharpCodeFixTest<TAnalyzer, TCodeFix> : CSharpAnalyzerTest<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    private const string Original = "Analyzing the test code";

    /// <summary>Adds a source (<c>/0/Test{n}.cs</c>) to <see cref="FixedState"/>.</summary>
    public string FixedCode
    {
        set => FixedState.Sources.Add(value);
    }

    /// <summary>The sources after the fix (markup marks diagnostics that remain) and the
    /// diagnostics expected to remain. With no sources, the test expects no fix to be offered.</summary>
    public SolutionState FixedState { get; } = new();

    /// <summary>Adds a source to <see cref="BatchFixedState"/>, for a Fix All result that
    /// legitimately differs from fixing one diagnostic at a time.</summary>
    public string? BatchFixedCode
    {
        set
        {
            if (value is not null)
            {
                BatchFixedState.Sources.Add(value);
            }
        }
    }

    /// <summary>The expected result of Fix All; <see cref="FixedState"/> when it has no sources.</summary>
    public SolutionState BatchFixedState { get; } = new();

    /// <summary>Chooses the code action by equivalence key (and Fix All uses it).</summary>
    public string? CodeActionEquivalenceKey { get; set; }

    /// <summary>Chooses the code action by its index among the offered ones (nested actions flattened); default 0.</summary>
    public int? CodeActionIndex { get; set; }

    /// <summary>The number of fixes applied one at a time: exact, or at most -n when negative; unchecked when null.</summary>
    public int? NumberOfIncrementalIterations { get; set; }

    /// <summary>The number of Fix All rounds in project and solution scope (and in document scope
    /// when one document has fixable diagnostics): exact, or at most -n when negative.</summary>
    public int? NumberOfFixAllIterations { get; set; }

    /// <summary>The number of Fix All rounds in document scope; one round per document is usual.</summary>
    public int? NumberOfFixAllInDocumentIterations { get; set; }

    public CodeFixTestBehaviors CodeFixTestBehaviors { get; set; }

    public override async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var state = ParseState(TestState);
        var original = CreateSolution(state);
        var originalProject = original.Projects.Single();
        var diagnostics = await AnalyzeAsync(originalProject, Original, state.Sources, cancellationToken).ConfigureAwait(false);
        VerifyDiagnostics(Original, state, diagnostics);

        var provider = new TCodeFix();
        var fixable = Fixable(provider, originalProject, diagnostics);
        var fixedState = FixedState.Sources.Count > 0 ? ParseState(FixedState) : state;
        if (SameTexts(state.Sources, fixedState.Sources))
        {
            await VerifyNoFixOfferedAsync(provider, originalProject, fixable, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (fixable.Count == 0)
        {
            throw new VerificationException(
                $"The test code has no diagnostic {typeof(TCodeFix).Name} can fix (it fixes {string.Join(", ", provider.FixableDiagnosticIds)}), so the fix test would prove nothing.\n\n"
                + DiagnosticComparison.Annotate(state.Sources, diagnostics.Select(d => Annotation.ForActual(d, null)).ToList()));
        }

        var batchState = BatchFixedState.Sources.Count > 0 ? ParseState(BatchFixedState) : fixedState;
        var originalCompilerDiagnostics = await CompilerDiagnosticsAsync(originalProject, cancellationToken).ConfigureAwait(false);

        var (incremental, iterations) = await FixOneByOneAsync(provider, original, fixable.Count, cancellationToken).ConfigureAwait(false);
        const string Incremental = "Applying the fix one diagnostic at a time";
        await VerifyResultAsync(Incremental, incremental, fixedState, originalCompilerDiagnostics, cancellationToken).ConfigureAwait(false);
        CheckIterations(Incremental, NumberOfIncrementalIterations, iterations);

        var documentsWithFixes = fixable.Select(d => d.Location.SourceTree).Distinct().Count();
        foreach (var (scope, skip) in new[]
        {
            (FixAllScope.Document, CodeFixTestBehaviors.SkipFixAllInDocumentCheck),
            (FixAllScope.Project, CodeFixTestBehaviors.SkipFixAllInProjectCheck),
            (FixAllScope.Solution, CodeFixTestBehaviors.SkipFixAllInSolutionCheck),
        })
        {
            if ((CodeFixTestBehaviors & skip) != 0)
            {
                continue;
            }

            var step = $"Fix All in {scope} scope";
            var result = await FixAllAsync(step, provider, scope, original, documentsWithFixes, cancellationToken).ConfigureAwait(false);
            if (result is not { } fixAll)
            {
                continue; // the Fix All provider does not offer this scope
            }

            await VerifyResultAsync(step, fixAll.Solution, batchState, originalCompilerDiagnostics, cancellationToken).ConfigureAwait(false);
            var expectedIterations = scope == FixAllScope.Document
                ? NumberOfFixAllInDocumentIterations ?? (documentsWithFixes == 1 ? NumberOfFixAllIterations : null)
                : NumberOfFixAllIterations;
            CheckIterations(step, expectedIterations, fixAll.Iterations);
        }
    }

    private static bool SameTexts(IReadOnlyList<ParsedSource> a, IReadOnlyList<ParsedSource> b)
        => a.Count == b.Count && a.All(x => b.Any(y => y.Path == x.Path && y.Text == x.Text));

    private static void CheckIterations(string step, int? expected, int actual)
    {
        if (expected is not { } n)
        {
            return;
        }

        if (n >= 0 ? actual != n : actual > -n)
        {
            throw new VerificationException($"{step}: {actual} iterations, expected {(n >= 0 ? "exactly " + n : "at most " + -n)}.");
        }
    }

    private static async Task<Dictionary<string, int>> CompilerDiagnosticsAsync(Project project, CancellationToken cancellationToken)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        return compilation!.GetDiagnostics(cancellationToken)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .GroupBy(d => d.Id)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    private static async Task<string> SnapshotAsync(Solution solution, CancellationToken cancellationToken)
    {
        var snapshot = new StringBuilder();
        foreach (var document in solution.Projects.SelectMany(p => p.Documents))
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            snapshot.Append(DocumentPath(document)).Append('\0').Append(text).Append('\0');
        }

        return snapshot.ToString();
    }

    private static async Task<Solution> ApplyAsync(CodeAction action, Solution solution, Diagnostic? diagnostic, CancellationToken cancellationToken)
    {
        // GetOperationsAsync post-processes the changed documents: nodes annotated by the fix are
        // simplified and formatted, as in the IDE.
        ImmutableArray<CodeActionOperation> operations;
        try
        {
            operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw await FixThrewAsync($"Code action '{action.Title}'", exception, solution.Projects.Single(), diagnostic, cancellationToken).ConfigureAwait(false);
        }

        return operations.OfType<ApplyChangesOperation>().LastOrDefault()?.ChangedSolution ?? solution;
    }

    private static async Task<VerificationException> FixThrewAsync(string what, Exception exception, Project project, Diagnostic? diagnostic, CancellationToken cancellationToken)
    {
        var sources = await ReadSourcesAsync(project, cancellationToken).ConfigureAwait(false);
        var annotations = diagnostic is null ? Array.Empty<Annotation>() : new[] { Annotation.ForActual(diagnostic, "being fixed") };
        return new VerificationException(
            $"{what} threw; a code fix must not throw.\n{exception}\n\n{DiagnosticComparison.Annotate(sources, annotations)}");
    }

    private static async Task<ImmutableArray<CodeAction>> GetActionsAsync(CodeFixProvider provider, Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
        try
        {
            await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw await FixThrewAsync($"{provider.GetType().Name}.RegisterCodeFixesAsync", exception, document.Project, diagnostic, cancellationToken).ConfigureAwait(false);
        }

        return Flatten(actions).ToImmutableArray();

        static IEnumerable<CodeAction> Flatten(IEnumerable<CodeAction> actions)
            => actions.SelectMany(a => a.NestedActions.IsDefaultOrEmpty ? new[] { a } : Flatten(a.NestedActions));
    }

    /// <summary>The diagnostics the provider can fix, in document order.</summary>
    private List<Diagnostic> Fixable(CodeFixProvider provider, Project project, ImmutableArray<Diagnostic> diagnostics)
    {
        var ids = provider.FixableDiagnosticIds.ToHashSet();
        var documentOrder = project.DocumentIds.Select((id, index) => (id, index)).ToDictionary(x => x.id, x => x.index);
        return diagnostics
            .Where(d => ids.Contains(d.Id) && !DisabledDiagnostics.Contains(d.Id) && d.Location.IsInSource)
            .OrderBy(d => project.Solution.GetDocument(d.Location.SourceTree) is { } document ? documentOrder[document.Id] : int.MaxValue)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
    }

    private CodeAction? Choose(ImmutableArray<CodeAction> actions)
    {
        if (CodeActionEquivalenceKey is { } key)
        {
            var index = actions.IndexOf(actions.FirstOrDefault(a => a.EquivalenceKey == key)!);
            if (index < 0)
            {
                return null;
            }

            if (CodeActionIndex is { } expectedIndex && expectedIndex != index)
            {
                throw new VerificationException(
                    $"The action with equivalence key '{key}' is at index {index}, not at CodeActionIndex {expectedIndex}. Offered: {DescribeActions(actions)}");
            }

            return actions[index];
        }

        var i = CodeActionIndex ?? 0;
        return i < actions.Length ? actions[i] : null;
    }

    private static string DescribeActions(ImmutableArray<CodeAction> actions)
        => actions.IsEmpty ? "(none)" : string.Join(", ", actions.Select((a, i) => $"[{i}] '{a.Title}' (key '{a.EquivalenceKey}')"));

    /// <summary>The first fixable diagnostic, in document order, for which the chosen action is offered.</summary>
    private async Task<(Diagnostic Diagnostic, Document Document, CodeAction Action)?> FirstFixAsync(
        CodeFixProvider provider, Project project, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        foreach (var diagnostic in Fixable(provider, project, diagnostics))
        {
            var document = project.Solution.GetDocument(diagnostic.Location.SourceTree);
            if (document is null)
            {
                continue;
            }

            var action = Choose(await GetActionsAsync(provider, document, diagnostic, cancellationToken).ConfigureAwait(false));
            if (action is not null)
            {
                return (diagnostic, document, action);
            }
        }

        return null;
    }

    private static async Task VerifyNoFixOfferedAsync(CodeFixProvider provider, Project project, List<Diagnostic> fixable, CancellationToken cancellationToken)
    {
        foreach (var diagnostic in fixable)
        {
            var document = project.Solution.GetDocument(diagnostic.Location.SourceTree)!;
            var actions = await GetActionsAsync(provider, document, diagnostic, cancellationToken).ConfigureAwait(false);
            if (!actions.IsEmpty)
            {
                var sources = await ReadSourcesAsync(project, cancellationToken).ConfigureAwait(false);
                throw new VerificationException(
                    $"The fixed code equals the test code, so no fix may be offered; but for {DiagnosticComparison.Describe(diagnostic)} the provider offers {DescribeActions(actions)}.\n\n"
                    + DiagnosticComparison.Annotate(sources, new[] { Annotation.ForActual(diagnostic, "fix offered here") }));
            }
        }
    }

    private async Task<(Solution Solution, int Iterations)> FixOneByOneAsync(CodeFixProvider provider, Solution solution, int fixableCount, CancellationToken cancellationToken)
    {
        const string Step = "Applying the fix one diagnostic at a time";
        var maxIterations = (fixableCount * 3) + 10;
        var seen = new HashSet<string> { await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false) };
        var iterations = 0;
        while (true)
        {
            var project = solution.Projects.Single();
            var diagnostics = await AnalyzeAsync(project, $"{Step}, after {iterations} fixes", null, cancellationToken).ConfigureAwait(false);
            var next = await FirstFixAsync(provider, project, diagnostics, cancellationToken).ConfigureAwait(false);
            if (next is not { } fix)
            {
                if (iterations == 0)
                {
                    await ExplainNothingAppliedAsync(provider, project, diagnostics, cancellationToken).ConfigureAwait(false);
                }

                return (solution, iterations);
            }

            iterations++;
            if (iterations > maxIterations)
            {
                throw new VerificationException(
                    $"{Step}: still offering a fix after {maxIterations} iterations for {fixableCount} diagnostics; the fix never converges. Last: '{fix.Action.Title}' for {DiagnosticComparison.Describe(fix.Diagnostic)}.\n\n"
                    + await DescribeSourcesAsync(project, cancellationToken).ConfigureAwait(false));
            }

            solution = await ApplyAsync(fix.Action, solution, fix.Diagnostic, cancellationToken).ConfigureAwait(false);
            if (!seen.Add(await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false)))
            {
                throw new VerificationException(
                    $"{Step}: iteration {iterations} ('{fix.Action.Title}' for {DiagnosticComparison.Describe(fix.Diagnostic)}) produced a text seen before; the fix loops.\n\n"
                    + await DescribeSourcesAsync(solution.Projects.Single(), cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <summary>Fails early, listing what was offered, when no fixable diagnostic offers the chosen action.</summary>
    private async Task ExplainNothingAppliedAsync(CodeFixProvider provider, Project project, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var message = new StringBuilder();
        message.Append("Applying the fix one diagnostic at a time: no code action was applied; the chosen action (")
            .Append(CodeActionEquivalenceKey is null ? $"index {CodeActionIndex ?? 0}" : $"equivalence key '{CodeActionEquivalenceKey}'")
            .AppendLine(") is offered for none of the fixable diagnostics.");
        foreach (var diagnostic in Fixable(provider, project, diagnostics))
        {
            var document = project.Solution.GetDocument(diagnostic.Location.SourceTree)!;
            var actions = await GetActionsAsync(provider, document, diagnostic, cancellationToken).ConfigureAwait(false);
            message.Append("  ").Append(DiagnosticComparison.Describe(diagnostic)).Append(": offered ").AppendLine(DescribeActions(actions));
        }

        throw new VerificationException(message.ToString());
    }

    private async Task<(Solution Solution, int Iterations)?> FixAllAsync(
        string step, CodeFixProvider provider, FixAllScope scope, Solution solution, int documentsWithFixes, CancellationToken cancellationToken)
    {
        // Document scope fixes one document per round, so it gets a round per document.
        var maxIterations = 5 + (scope == FixAllScope.Document ? documentsWithFixes : 0);
        var seen = new HashSet<string> { await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false) };
        var iterations = 0;
        while (true)
        {
            var project = solution.Projects.Single();
            var diagnostics = await AnalyzeAsync(project, $"{step}, after {iterations} rounds", null, cancellationToken).ConfigureAwait(false);
            var next = await FirstFixAsync(provider, project, diagnostics, cancellationToken).ConfigureAwait(false);
            if (next is not { } first)
            {
                return (solution, iterations);
            }

            var fixAllProvider = provider.GetFixAllProvider()
                ?? throw new VerificationException(
                    $"{typeof(TCodeFix).Name}.GetFixAllProvider() returns null; every fix must support Fix All (set CodeFixTestBehaviors.SkipFixAllCheck only with a reason).");
            if (!fixAllProvider.GetSupportedFixAllScopes().Contains(scope))
            {
                return null;
            }

            iterations++;
            if (iterations > maxIterations)
            {
                throw new VerificationException(
                    $"{step}: still fixable after {maxIterations} rounds; Fix All never converges.\n\n"
                    + await DescribeSourcesAsync(project, cancellationToken).ConfigureAwait(false));
            }

            var diagnosticProvider = new DiagnosticProvider(this, provider);
            var context = scope == FixAllScope.Document
                ? new FixAllContext(first.Document, provider, scope, first.Action.EquivalenceKey, provider.FixableDiagnosticIds, diagnosticProvider, cancellationToken)
                : new FixAllContext(project, provider, scope, first.Action.EquivalenceKey, provider.FixableDiagnosticIds, diagnosticProvider, cancellationToken);
            var action = await fixAllProvider.GetFixAsync(context).ConfigureAwait(false);
            if (action is null)
            {
                return (solution, iterations - 1);
            }

            solution = await ApplyAsync(action, solution, null, cancellationToken).ConfigureAwait(false);
            if (!seen.Add(await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false)))
            {
                throw new VerificationException(
                    $"{step}: round {iterations} produced a text seen before (or no change while a fix is still offered); Fix All loops.\n\n"
                    + await DescribeSourcesAsync(solution.Projects.Single(), cancellationToken).ConfigureAwait(false));
            }
        }
    }

    private async Task VerifyResultAsync(string step, Solution solution, ParsedState expected, Dictionary<string, int> originalCompilerDiagnostics, CancellationToken cancellationToken)
    {
        var project = solution.Projects.Single();
        var actualSources = await ReadSourcesAsync(project, cancellationToken).ConfigureAwait(false);

        // 1. The text.
        var differences = new StringBuilder();
        foreach (var source in expected.Sources)
        {
            var actual = actualSources.FirstOrDefault(s => s.Path == source.Path);
            if (actual is null)
            {
                differences.Append("Document ").Append(source.Path).AppendLine(" is expected but does not exist after the fix.");
            }
            else if (actual.Text != source.Text)
            {
                differences.Append("Document ").Append(source.Path).AppendLine(" differs from the expected fixed code:").AppendLine(TextDiff.Describe(source.Text, actual.Text));
            }
        }

        foreach (var actual in actualSources.Where(a => expected.Sources.All(s => s.Path != a.Path)))
        {
            differences.Append("Document ").Append(actual.Path).AppendLine(" exists after the fix but is not expected:").AppendLine(actual.Text);
        }

        if (differences.Length > 0)
        {
            throw new VerificationException($"{step}: the fixed code is not as expected.\n{differences}");
        }

        // 2. No compiler diagnostic the original code did not have.
        if ((CodeFixTestBehaviors & CodeFixTestBehaviors.SkipCompileCheck) == 0)
        {
            var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
            var now = compilation!.GetDiagnostics(cancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            var increased = now.GroupBy(d => d.Id)
                .Where(g => g.Count() > originalCompilerDiagnostics.GetValueOrDefault(g.Key))
                .ToList();
            if (increased.Count > 0)
            {
                var message = new StringBuilder();
                message.Append(step).AppendLine(": the fixed code has compiler diagnostics the test code did not have; a fix must compile.");
                foreach (var group in increased)
                {
                    message.Append("  ").Append(group.Key).Append(": ").Append(originalCompilerDiagnostics.GetValueOrDefault(group.Key))
                        .Append(" before, ").Append(group.Count()).AppendLine(" after");
                    foreach (var diagnostic in group)
                    {
                        message.Append("    ").AppendLine(DiagnosticComparison.Describe(diagnostic));
                    }
                }

                message.AppendLine();
                message.Append(DiagnosticComparison.Annotate(actualSources, increased.SelectMany(g => g).Select(d => Annotation.ForActual(d, null)).ToList()));
                throw new VerificationException(message.ToString());
            }
        }

        // 3. The diagnostics that remain.
        var diagnostics = await AnalyzeAsync(project, step, actualSources, cancellationToken).ConfigureAwait(false);
        VerifyDiagnostics(step + ", remaining diagnostics", expected, diagnostics);
    }

    /// <summary>Feeds Fix All with the diagnostics of our analyzer and of the compiler.</summary>
    private sealed class DiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly CSharpCodeFixTest<TAnalyzer, TCodeFix> _test;
        private readonly CodeFixProvider _provider;

        public DiagnosticProvider(CSharpCodeFixTest<TAnalyzer, TCodeFix> test, CodeFixProvider provider)
        {
            _test = test;
            _provider = provider;
        }

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => await AllAsync(project, cancellationToken).ConfigureAwait(false);

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            var all = await AllAsync(document.Project, cancellationToken).ConfigureAwait(false);
            return all.Where(d => d.Location.IsInSource && (d.Location.SourceTree == tree || d.Location.SourceTree?.FilePath == document.FilePath));
        }

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => (await AllAsync(project, cancellationToken).ConfigureAwait(false)).Where(d => !d.Location.IsInSource);

        private async Task<List<Diagnostic>> AllAsync(Project project, CancellationToken cancellationToken)
        {
            var diagnostics = await AnalyzeAsync(project, "Computing diagnostics for Fix All", null, cancellationToken).ConfigureAwait(false);
            var ids = _provider.FixableDiagnosticIds.ToHashSet();
            return diagnostics.Where(d => ids.Contains(d.Id) && !_test.DisabledDiagnostics.Contains(d.Id)).ToList();
        }
    }
}
