using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Tasks;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace AsyncPatterns.CodeFixes.Tasks
{
    /// <summary>
    /// AP3004 fix: pass the token in scope — appended, named when optional parameters before it
    /// are omitted or the call names its arguments, and with <c>params</c> values wrapped into an
    /// array for the token overload (<c>FindAsync(new object[] { id }, cancellationToken)</c>).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP3004CancellationTokenNotForwardedCodeFix))]
    [Shared]
    public sealed class AP3004CancellationTokenNotForwardedCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "AP3004.PassToken";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.CancellationTokenNotForwarded);

        // One call can be an argument of another (FindAsync(await q.MaxAsync())): one pass per document.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (context, document, diagnostics) =>
                diagnostics.IsDefaultOrEmpty ? document : await FixDocumentAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(AP3004CancellationTokenNotForwardedAnalyzer.TokenProperty, out var token) || token is null)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create("Pass '" + token + "'", ct => FixDocumentAsync(context.Document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static async Task<Document> FixDocumentAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var editor = new SyntaxEditor(root, document.Project.Solution.Services);
            var changed = false;
            foreach (var diagnostic in diagnostics)
            {
                var properties = diagnostic.Properties;
                if (!properties.TryGetValue(AP3004CancellationTokenNotForwardedAnalyzer.TokenProperty, out var token) || token is null
                    || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation)
                {
                    continue;
                }

                properties.TryGetValue(AP3004CancellationTokenNotForwardedAnalyzer.ModeProperty, out var mode);
                properties.TryGetValue(AP3004CancellationTokenNotForwardedAnalyzer.ParameterNameProperty, out var parameterName);
                properties.TryGetValue(AP3004CancellationTokenNotForwardedAnalyzer.ParamsElementTypeProperty, out var elementType);
                var paramsStart = mode == AP3004CancellationTokenNotForwardedAnalyzer.ModeWrapParams
                    ? TokenArguments.ReadIndex(properties, AP3004CancellationTokenNotForwardedAnalyzer.ParamsStartProperty)
                    : null;
                var name = mode == AP3004CancellationTokenNotForwardedAnalyzer.ModeNamed ? parameterName ?? "cancellationToken" : null;

                editor.ReplaceNode(invocation.ArgumentList, (current, _) =>
                    TokenArguments.Add((ArgumentListSyntax)current, token, name, paramsStart, elementType));
                changed = true;
            }

            return changed ? document.WithSyntaxRoot(editor.GetChangedRoot()) : document;
        }
    }
}
