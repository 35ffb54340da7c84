using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>An exception (or a hang) from an analyzer or a code fix, recorded instead of thrown.</summary>
internal sealed record Failure(string Stage, string Component, string Detail)
{
    /// <summary>What a smaller input must reproduce: the same stage, component and exception type.</summary>
    public string Signature => $"{Stage}|{Component}|{Detail.Split(':', '\n')[0]}";

    public override string ToString() => $"{Stage} in {Component}: {Detail}";
}

/// <summary>Counters shared by a run.</summary>
internal sealed class RunCounters
{
    private int _variants;
    private int _diagnostics;
    private int _fixes;
    private int _fixAll;

    public int Variants => _variants;

    public int Diagnostics => _diagnostics;

    public int Fixes => _fixes;

    public int FixAllRuns => _fixAll;

    public void AddVariant() => Interlocked.Increment(ref _variants);

    public void AddDiagnostics(int n) => Interlocked.Add(ref _diagnostics, n);

    public void AddFix() => Interlocked.Increment(ref _fixes);

    public void AddFixAll() => Interlocked.Increment(ref _fixAll);
}

/// <summary>Runs every analyzer and every code fix on a solution and records, rather than throws,
/// whatever they throw: the verifier's workspace and references, without its expectations.</summary>
internal static class RobustnessRunner
{
    /// <summary>Longer than any analysis of a test-sized input takes, even on a loaded machine; an
    /// analyzer or fix still running then is taken to hang.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Solution CreateSolution(TestInput input, string text, ReferenceSet? references = null)
    {
        var sources = new List<(string Path, string Text)> { (TestInput.Path, text) };
        sources.AddRange(input.Context);

        // Top-level statements (Program.cs of a sample, a test of a console app) need an executable.
        var outputKind = sources.Any(s => CSharpSyntaxTree.ParseText(s.Text).GetRoot() is CompilationUnitSyntax unit && unit.Members.Any(m => m is GlobalStatementSyntax))
            ? OutputKind.ConsoleApplication
            : OutputKind.DynamicallyLinkedLibrary;
        return TestSolution.Create(sources, references ?? ReferenceSet.Full, outputKind);
    }

    public static Document MainDocument(Solution solution)
        => solution.Projects.Single().Documents.First(d => d.FilePath == TestInput.Path);

    /// <summary>Our analyzers' diagnostics, every exception recorded in <paramref name="failures"/>.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(
        Project project, ICollection<Failure> failures, IEnumerable<DiagnosticAnalyzer>? analyzers = null, CancellationToken cancellationToken = default)
    {
        var selected = (analyzers ?? RuleCatalog.Analyzers).ToImmutableArray();
        try
        {
            var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The project has no compilation.");
            var exceptions = new ConcurrentQueue<Failure>();
            var options = new CompilationWithAnalyzersOptions(
                project.AnalyzerOptions,
                onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue(new Failure("analyzer", analyzer.GetType().Name, exception.ToString())),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(selected, options).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
            foreach (var failure in exceptions.DistinctBy(f => f.Signature))
            {
                failures.Add(failure);
            }

            if (exceptions.IsEmpty)
            {
                foreach (var ad0001 in diagnostics.Where(d => d.Id == "AD0001"))
                {
                    failures.Add(new Failure("analyzer", "AD0001", ad0001.GetMessage(CultureInfo.InvariantCulture)));
                }
            }

            return diagnostics.Where(d => RuleCatalog.IsOurs(d.Id)).ToImmutableArray();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failures.Add(new Failure("timeout", "analyzers", $"analysis took longer than {Timeout.TotalSeconds} s"));
            return [];
        }
        catch (Exception exception)
        {
            failures.Add(new Failure("analyzer driver", "CompilationWithAnalyzers", exception.ToString()));
            return [];
        }
    }

    /// <summary>The code actions <paramref name="provider"/> registers for a diagnostic, nested ones flattened.</summary>
    public static async Task<ImmutableArray<CodeAction>> ActionsAsync(
        CodeFixProvider provider, Document document, Diagnostic diagnostic, ICollection<Failure> failures, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        try
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
            await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Add(new Failure("RegisterCodeFixesAsync", provider.GetType().Name, exception.ToString()));
        }

        return Flatten(actions).ToImmutableArray();

        static IEnumerable<CodeAction> Flatten(IEnumerable<CodeAction> actions)
            => actions.SelectMany(a => a.NestedActions.IsDefaultOrEmpty ? [a] : Flatten(a.NestedActions));
    }

    /// <summary>The solution a code action produces (formatted and simplified as in the IDE), or
    /// null when it throws or changes nothing.</summary>
    public static async Task<Solution?> ApplyAsync(CodeAction action, string component, ICollection<Failure> failures, CancellationToken cancellationToken)
    {
        try
        {
            var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            return operations.OfType<ApplyChangesOperation>().LastOrDefault()?.ChangedSolution;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Add(new Failure("GetOperationsAsync", $"{component} '{action.Title}' ({action.EquivalenceKey})", exception.ToString()));
            return null;
        }
    }

    /// <summary>Fix All of <paramref name="provider"/> for <paramref name="equivalenceKey"/> in a
    /// scope, fed with <paramref name="diagnostics"/>; null when not offered or when it throws.</summary>
    public static async Task<Solution?> FixAllAsync(
        CodeFixProvider provider, FixAllScope scope, Document document, string? equivalenceKey, ImmutableArray<Diagnostic> diagnostics,
        ICollection<Failure> failures, CancellationToken cancellationToken)
    {
        var component = $"{provider.GetType().Name} Fix All ({scope}, {equivalenceKey})";
        CodeAction? action;
        try
        {
            var fixAllProvider = provider.GetFixAllProvider();
            if (fixAllProvider is null || !fixAllProvider.GetSupportedFixAllScopes().Contains(scope))
            {
                return null;
            }

            var diagnosticProvider = new FixedDiagnostics(diagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray());
            var context = scope == FixAllScope.Document
                ? new FixAllContext(document, provider, scope, equivalenceKey, provider.FixableDiagnosticIds, diagnosticProvider, cancellationToken)
                : new FixAllContext(document.Project, provider, scope, equivalenceKey, provider.FixableDiagnosticIds, diagnosticProvider, cancellationToken);
            action = await fixAllProvider.GetFixAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Add(new Failure("FixAllProvider.GetFixAsync", component, exception.ToString()));
            return null;
        }

        return action is null ? null : await ApplyAsync(action, component, failures, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every analyzer on the variant, then every code action of every fix for every
    /// diagnostic, then Fix All in document scope once per provider and equivalence key.</summary>
    public static async Task<List<Failure>> RunEverythingAsync(
        TestInput input, string text, RunCounters? counters, int maxDiagnostics, CancellationToken cancellationToken,
        Func<Failure, bool>? stopWhen = null, ImmutableArray<DiagnosticAnalyzer>? analyzers = null, Solution? baseSolution = null)
    {
        var failures = new List<Failure>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var token = timeout.Token;
        try
        {
            // A variant derived from the input's solution reuses its bound references: several
            // times faster than a fresh workspace per variant.
            var solution = baseSolution is null
                ? CreateSolution(input, text)
                : baseSolution.WithDocumentText(MainDocument(baseSolution).Id, Microsoft.CodeAnalysis.Text.SourceText.From(text, Encoding.UTF8));
            var document = MainDocument(solution);
            var diagnostics = await AnalyzeAsync(document.Project, failures, analyzers, token).ConfigureAwait(false);
            counters?.AddDiagnostics(diagnostics.Length);
            if (stopWhen is not null && failures.Any(stopWhen))
            {
                return failures;
            }

            var fixAllDone = new HashSet<(CodeFixProvider, string?, DocumentId)>();
            foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource).Take(maxDiagnostics))
            {
                var diagnosticDocument = solution.GetDocument(diagnostic.Location.SourceTree);
                if (diagnosticDocument is null)
                {
                    continue;
                }

                foreach (var provider in RuleCatalog.FixesFor(diagnostic.Id))
                {
                    var actions = await ActionsAsync(provider, diagnosticDocument, diagnostic, failures, token).ConfigureAwait(false);
                    foreach (var action in actions)
                    {
                        counters?.AddFix();
                        await ApplyAsync(action, provider.GetType().Name, failures, token).ConfigureAwait(false);
                    }

                    foreach (var key in actions.Select(a => a.EquivalenceKey).Distinct())
                    {
                        if (fixAllDone.Add((provider, key, diagnosticDocument.Id)))
                        {
                            counters?.AddFixAll();
                            await FixAllAsync(provider, FixAllScope.Document, diagnosticDocument, key, diagnostics, failures, token).ConfigureAwait(false);
                        }
                    }

                    if (stopWhen is not null && failures.Any(stopWhen))
                    {
                        return failures;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            failures.Add(new Failure("timeout", "analyzers and fixes", $"took longer than {Timeout.TotalSeconds} s"));
        }

        return failures;
    }

    /// <summary>A smaller text that still fails with <paramref name="failure"/>'s signature: whole
    /// lines removed (halving chunks), then single tokens, within a budget of runs.</summary>
    public static async Task<(string Text, Failure Failure)> MinimizeAsync(
        TestInput input, string text, Failure failure, int budget = 120, TimeSpan? timeBudget = null, ImmutableArray<DiagnosticAnalyzer>? analyzers = null)
    {
        var deadline = DateTime.UtcNow + (timeBudget ?? TimeSpan.FromSeconds(90));
        var runs = 0;
        var last = failure;
        async Task<bool> StillFails(string candidate)
        {
            if (runs++ >= budget || DateTime.UtcNow > deadline)
            {
                return false;
            }

            var failures = await RunEverythingAsync(input, candidate, null, int.MaxValue, CancellationToken.None, f => f.Signature == failure.Signature, analyzers).ConfigureAwait(false);
            var match = failures.FirstOrDefault(f => f.Signature == failure.Signature);
            if (match is null)
            {
                return false;
            }

            last = match;
            return true;
        }

        var lines = text.Split('\n').ToList();
        for (var chunk = Math.Max(1, lines.Count / 2); chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start < lines.Count && runs < budget;)
            {
                var candidate = lines.Take(start).Concat(lines.Skip(start + chunk)).ToList();
                if (candidate.Count < lines.Count && await StillFails(string.Join('\n', candidate)).ConfigureAwait(false))
                {
                    lines = candidate;
                }
                else
                {
                    start += chunk;
                }
            }
        }

        var current = string.Join('\n', lines);
        var tokens = CSharpSyntaxTree.ParseText(current).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).Reverse().ToList();
        foreach (var token in tokens)
        {
            if (runs >= budget || token.Span.End > current.Length)
            {
                break;
            }

            var candidate = current.Remove(token.SpanStart, token.Span.Length);
            if (await StillFails(candidate).ConfigureAwait(false))
            {
                current = candidate;
            }
        }

        return (current, last);
    }

    public static string Describe(TestInput input, string variantName, string text, Failure failure)
    {
        var message = new StringBuilder();
        message.Append(input.Origin).Append(" [").Append(variantName).Append("]: ").AppendLine(failure.ToString());
        message.AppendLine("---- smallest variant that still throws ----");
        message.AppendLine(text);
        message.AppendLine("----");
        return message.ToString();
    }

    /// <summary>Feeds Fix All with diagnostics already computed for the unchanged solution.</summary>
    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return diagnostics.Where(d => d.Location.IsInSource && (d.Location.SourceTree == tree || d.Location.SourceTree?.FilePath == document.FilePath));
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult(diagnostics.Where(d => !d.Location.IsInSource));
    }
}
