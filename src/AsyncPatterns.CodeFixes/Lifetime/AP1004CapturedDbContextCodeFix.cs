using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.CodeFixes.Lifetime
{
    /// <summary>
    /// AP1004: a hosted service or singleton takes <c>IDbContextFactory&lt;T&gt;</c> and creates one
    /// context per unit of work; a conventional middleware takes the context as a parameter of
    /// Invoke/InvokeAsync, which ASP.NET Core resolves from the request's scope.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP1004CapturedDbContextCodeFix))]
    [Shared]
    public sealed class AP1004CapturedDbContextCodeFix : CodeFixProvider
    {
        // One key for both rewrites: each diagnostic has exactly one of them, and Fix All (the IDE's
        // and `dotnet format analyzers`, which fixes each ID with the first action's key) must
        // repair middleware and hosted services in the same pass.
        public const string EquivalenceKey = "AP1004.ContextPerUnitOfWork";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.CapturedDbContext);

        public override FixAllProvider GetFixAllProvider() => AP1004FixAllProvider.Instance;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var solution = context.Document.Project.Solution;
            foreach (var diagnostic in context.Diagnostics)
            {
                var target = GetTarget(solution, diagnostic);
                if (target is null)
                {
                    continue;
                }

                var document = solution.GetDocument(target.DocumentId);
                if (document is null)
                {
                    continue;
                }

                var preview = await CapturedContextRewriter.TryRewriteAsync(document, target.Span, target.Middleware, null, context.CancellationToken).ConfigureAwait(false);
                if (preview is null)
                {
                    continue;
                }

                var title = target.Middleware
                    ? $"Take the DbContext as a parameter of {target.InvokeMethod}"
                    : $"Use IDbContextFactory<{preview.ContextTypeName}>";
                context.RegisterCodeFix(
                    CodeAction.Create(
                        title,
                        ct => FixAsync(solution, new[] { target }, ct),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary>
        /// The constructor parameter to rewrite: the diagnostic's own location for hosted services and
        /// middleware, the additional location (in the class's document, wherever it is) for registrations.
        /// </summary>
        internal static FixTarget? GetTarget(Solution solution, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(AP1004CapturedDbContextAnalyzer.KindProperty, out var kind) || kind is null)
            {
                return null;
            }

            var location = diagnostic.AdditionalLocations.Count > 0 ? diagnostic.AdditionalLocations[0] : diagnostic.Location;
            if (!location.IsInSource || location.SourceTree is null)
            {
                return null;
            }

            var document = solution.GetDocument(location.SourceTree);
            if (document is null)
            {
                return null;
            }

            diagnostic.Properties.TryGetValue(AP1004CapturedDbContextAnalyzer.InvokeMethodProperty, out var invokeMethod);
            return new FixTarget(document.Id, location.SourceSpan, kind == AP1004CapturedDbContextAnalyzer.KindMiddleware, invokeMethod ?? "InvokeAsync");
        }

        /// <summary>Rewrites every target, one class at a time, each document once.</summary>
        internal static async Task<Solution> FixAsync(Solution solution, IEnumerable<FixTarget> targets, CancellationToken cancellationToken)
        {
            foreach (var group in targets.GroupBy(t => t.DocumentId))
            {
                var document = solution.GetDocument(group.Key);
                if (document is null)
                {
                    continue;
                }

                // Mark every parameter first: each rewrite moves the text, the annotations stay put.
                var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                if (root is null)
                {
                    continue;
                }

                var marks = new List<(SyntaxAnnotation Mark, bool Middleware)>();
                var seen = new HashSet<TextSpan>();
                var nodes = new Dictionary<SyntaxToken, SyntaxAnnotation>();
                foreach (var target in group)
                {
                    if (!seen.Add(target.Span))
                    {
                        continue;
                    }

                    var token = root.FindToken(target.Span.Start);
                    if (token.Span != target.Span)
                    {
                        continue;
                    }

                    var mark = new SyntaxAnnotation("AP1004.Target");
                    nodes[token] = mark;
                    marks.Add((mark, target.Middleware));
                }

                root = root.ReplaceTokens(nodes.Keys, (original, _) => original.WithAdditionalAnnotations(nodes[original]));
                document = document.WithSyntaxRoot(root);
                foreach (var (mark, middleware) in marks)
                {
                    var current = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                    var token = current?.GetAnnotatedTokens(mark).FirstOrDefault() ?? default;
                    if (current is null || token.RawKind == 0)
                    {
                        continue;
                    }

                    var result = await CapturedContextRewriter.TryRewriteAsync(document, token.Span, middleware, mark, cancellationToken).ConfigureAwait(false);
                    if (result != null)
                    {
                        document = result.Document;
                    }
                }

                solution = document.Project.Solution;
            }

            return solution;
        }

        internal sealed class FixTarget
        {
            public FixTarget(DocumentId documentId, TextSpan span, bool middleware, string invokeMethod)
            {
                DocumentId = documentId;
                Span = span;
                Middleware = middleware;
                InvokeMethod = invokeMethod;
            }

            public DocumentId DocumentId { get; }
            public TextSpan Span { get; }
            public bool Middleware { get; }
            public string InvokeMethod { get; }
        }

        /// <summary>
        /// Several diagnostics of one class (its constructor parameter, and its registrations in other
        /// documents) are one edit; the batch merger would apply it twice. This provider collects the
        /// targets of every diagnostic in scope and rewrites each class once.
        /// </summary>
        private sealed class AP1004FixAllProvider : FixAllProvider
        {
            public static readonly AP1004FixAllProvider Instance = new AP1004FixAllProvider();

            public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
                => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

            public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
            {
                var diagnostics = new List<Diagnostic>();
                switch (fixAllContext.Scope)
                {
                    case FixAllScope.Document:
                        if (fixAllContext.Document != null)
                        {
                            diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(fixAllContext.Document).ConfigureAwait(false));
                        }

                        break;
                    case FixAllScope.Project:
                        foreach (var document in fixAllContext.Project.Documents)
                        {
                            diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
                        }

                        break;
                    case FixAllScope.Solution:
                        foreach (var project in fixAllContext.Solution.Projects)
                        {
                            foreach (var document in project.Documents)
                            {
                                diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
                            }
                        }

                        break;
                    default:
                        return null;
                }

                var solution = fixAllContext.Solution;
                var targets = diagnostics
                    .Select(d => GetTarget(solution, d))
                    .Where(t => t != null)
                    .Select(t => t!)
                    .ToList();
                if (targets.Count == 0)
                {
                    return null;
                }

                return CodeAction.Create(
                    "Fix all AP1004",
                    ct => FixAsync(solution, targets, ct),
                    fixAllContext.CodeActionEquivalenceKey);
            }
        }
    }
}
