using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AsyncPatterns.Analyzers;
using AsyncPatterns.Analyzers.Transactions;
using AsyncPatterns.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncPatterns.CodeFixes.Transactions
{
    /// <summary>
    /// AP4002: wraps the statements of the unit of work (from the one holding the first write to
    /// the one holding the last, in the innermost block containing every write) in an explicit
    /// transaction, either in place (<c>await using var transaction = await db.Database.BeginTransactionAsync(ct);</c>
    /// before, <c>await transaction.CommitAsync(ct);</c> after) or inside the context's execution
    /// strategy, which a retrying strategy requires: EF Core refuses a user-initiated transaction
    /// outside <c>strategy.Execute</c>, because it could not replay it
    /// (https://learn.microsoft.com/ef/core/miscellaneous/connection-resiliency#execution-strategies-and-transactions).
    /// Offered only where no <c>return</c>, <c>break</c>, <c>continue</c>, <c>goto</c> or
    /// <c>yield</c> leaves the wrapped statements (the commit would be skipped), and, for the
    /// strategy form, where no local declared in them is used after them.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AP4002SaveChangesWithoutTransactionCodeFix))]
    [Shared]
    public sealed class AP4002SaveChangesWithoutTransactionCodeFix : CodeFixProvider
    {
        public const string TransactionEquivalenceKey = "AP4002.Transaction";
        public const string ExecutionStrategyEquivalenceKey = "AP4002.ExecutionStrategy";

        private const string WriteAnnotationKind = "AsyncPatterns.AP4002.Write";

        private enum Mode
        {
            Transaction,
            ExecutionStrategy,
        }

        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.SaveChangesWithoutTransaction);

        // Two units of work can share a block (two contexts), so the edits interact: one pass per
        // document that re-finds each unit's writes (annotated up front) after the previous edit.
        public override FixAllProvider GetFixAllProvider()
            => FixAllProvider.Create(async (fixAllContext, document, diagnostics) =>
            {
                var mode = fixAllContext.CodeActionEquivalenceKey == ExecutionStrategyEquivalenceKey ? Mode.ExecutionStrategy : Mode.Transaction;
                return await ApplyAsync(document, diagnostics, mode, fixAllContext.CancellationToken).ConfigureAwait(false);
            });

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var writes = FindWrites(root, diagnostic);
                if (Rewrite(root, model, writes, diagnostic, Mode.Transaction) != null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Wrap in a transaction",
                            ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), Mode.Transaction, ct),
                            TransactionEquivalenceKey),
                        diagnostic);
                }

                if (Rewrite(root, model, writes, diagnostic, Mode.ExecutionStrategy) != null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Wrap in the execution strategy and a transaction",
                            ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), Mode.ExecutionStrategy, ct),
                            ExecutionStrategyEquivalenceKey),
                        diagnostic);
                }
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, Mode mode, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            // Mark every unit's writes so that each can be found again after earlier edits moved them.
            var marks = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            var units = new List<(Diagnostic Diagnostic, string Id)>();
            for (var i = 0; i < diagnostics.Length; i++)
            {
                var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var write in FindWrites(root, diagnostics[i]))
                {
                    marks[write] = new SyntaxAnnotation(WriteAnnotationKind, id);
                }

                units.Add((diagnostics[i], id));
            }

            root = root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original]));
            document = document.WithSyntaxRoot(root);

            foreach (var (diagnostic, id) in units)
            {
                root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (root is null || model is null)
                {
                    return document;
                }

                var writes = root.GetAnnotatedNodes(WriteAnnotationKind)
                    .Where(n => n.GetAnnotations(WriteAnnotationKind).Any(a => a.Data == id))
                    .OrderBy(n => n.SpanStart)
                    .ToList();
                if (Rewrite(root, model, writes, diagnostic, mode) is { } rewritten)
                {
                    document = document.WithSyntaxRoot(rewritten);
                }
            }

            // The marks must not outlive this fix (a later fix would find them again).
            root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null
                ? document
                : document.WithSyntaxRoot(root.ReplaceNodes(root.GetAnnotatedNodes(WriteAnnotationKind), (_, rewritten) => rewritten.WithoutAnnotations(WriteAnnotationKind)));
        }

        private static List<SyntaxNode> FindWrites(SyntaxNode root, Diagnostic diagnostic)
        {
            var writes = new List<SyntaxNode>();
            if (!diagnostic.Properties.TryGetValue(AP4002SaveChangesWithoutTransactionAnalyzer.WritesKey, out var spans) || spans is null)
            {
                return writes;
            }

            foreach (var span in spans.Split(';'))
            {
                var parts = span.Split(':');
                if (parts.Length != 2
                    || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var start)
                    || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
                    || start + length > root.FullSpan.End)
                {
                    continue;
                }

                var node = root.FindNode(new Microsoft.CodeAnalysis.Text.TextSpan(start, length), getInnermostNodeForTie: true);
                if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } invocation)
                {
                    writes.Add(invocation);
                }
            }

            return writes;
        }

        /// <summary>The rewritten root, or <c>null</c> when the fix does not apply or would not compile.</summary>
        private static SyntaxNode? Rewrite(SyntaxNode root, SemanticModel model, List<SyntaxNode> writes, Diagnostic diagnostic, Mode mode)
        {
            if (writes.Count == 0
                || !diagnostic.Properties.TryGetValue(AP4002SaveChangesWithoutTransactionAnalyzer.ContextKey, out var contextText)
                || contextText is null)
            {
                return null;
            }

            diagnostic.Properties.TryGetValue(AP4002SaveChangesWithoutTransactionAnalyzer.TokenKey, out var token);
            token ??= string.Empty;

            var function = AwaitPlacement.EnclosingFunction(writes[0]);
            if (function is null || writes.Any(w => AwaitPlacement.EnclosingFunction(w) != function) || HasGoto(function))
            {
                return null;
            }

            // A write in a loop runs once per iteration: the transaction goes around the outermost loop.
            writes = writes.Select(w => OutermostLoop(w, function) ?? w).ToList();
            var block = writes[0].Ancestors().OfType<BlockSyntax>().FirstOrDefault(b => writes.All(w => b.Span.Contains(w.Span)));
            if (block is null || AwaitPlacement.EnclosingFunction(block) != function)
            {
                return null;
            }

            var first = StatementIndex(block, writes[0]);
            var last = StatementIndex(block, writes[writes.Count - 1]);
            if (first < 0 || last < first)
            {
                return null;
            }

            var statements = block.Statements;
            var range = statements.Skip(first).Take(last - first + 1).ToList();
            if (range.Any(LeavesRange))
            {
                return null;
            }

            var anchor = statements[first];
            var database = (contextText.Length == 0 ? string.Empty : contextText + ".") + "Database";
            if (!BindsToDatabaseFacade(model, anchor, database))
            {
                return null;
            }

            var isAsync = AwaitPlacement.CanAwaitHere(anchor);
            var taken = TakenNames(model, function, anchor);
            var transaction = Unique("transaction", taken);
            var indent = Indentation(anchor);
            var eol = EndOfLine(root);

            var begin = isAsync
                ? $"await using var {transaction} = await {database}.BeginTransactionAsync({token});"
                : $"using var {transaction} = {database}.BeginTransaction();";
            var commit = isAsync
                ? $"await {transaction}.CommitAsync({token});"
                : $"{transaction}.Commit();";

            if (mode == Mode.Transaction)
            {
                var newStatements = statements
                    .Insert(last + 1, Statement(indent + commit + eol))
                    .Insert(first, Statement(indent + begin + eol));
                return root.ReplaceNode(block, block.WithStatements(newStatements));
            }

            // Re-indenting would change the text of a multi-line string literal.
            if (!CanMoveIntoLambda(model, range)
                || range.Any(s => s.DescendantTokens().Any(t => t.Text.IndexOf('\n') >= 0)))
            {
                return null;
            }

            var strategy = Unique("strategy", taken);
            var inner = indent + "    ";
            var body = new System.Text.StringBuilder();
            body.Append(indent).Append($"var {strategy} = {database}.CreateExecutionStrategy();").Append(eol);
            body.Append(indent).Append(isAsync ? $"await {strategy}.ExecuteAsync(async () =>" : $"{strategy}.Execute(() =>").Append(eol);
            body.Append(indent).Append('{').Append(eol);
            body.Append(inner).Append(begin).Append(eol);
            foreach (var statement in range)
            {
                body.Append(Reindent(statement.ToFullString(), indent, inner, eol));
            }

            body.Append(inner).Append(commit).Append(eol);
            body.Append(indent).Append("});").Append(eol);

            var parsed = SyntaxFactory.ParseSyntaxTree("class C { void M() {" + eol + body + "} }", (CSharpParseOptions)root.SyntaxTree.Options)
                .GetRoot()
                .DescendantNodes()
                .OfType<MethodDeclarationSyntax>()
                .First()
                .Body!
                .Statements;
            if (parsed.Count != 2 || parsed.Any(s => s.ContainsDiagnostics))
            {
                return null;
            }

            var replaced = SyntaxFactory.List(
                statements.Take(first)
                    .Concat(parsed.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)))
                    .Concat(statements.Skip(last + 1)));
            var newRoot = root.ReplaceNode(block, block.WithStatements(replaced));
            return newRoot is CompilationUnitSyntax unit
                ? UsingDirectives.Ensure(unit, "Microsoft.EntityFrameworkCore", model)
                : newRoot;
        }

        private static SyntaxNode? OutermostLoop(SyntaxNode write, SyntaxNode function)
        {
            SyntaxNode? loop = null;
            for (var current = write.Parent; current != null && current != function; current = current.Parent)
            {
                if (current is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
                {
                    loop = current;
                }
            }

            return loop;
        }

        private static StatementSyntax Statement(string text)
            => SyntaxFactory.ParseStatement(text).WithAdditionalAnnotations(Formatter.Annotation);

        private static int StatementIndex(BlockSyntax block, SyntaxNode node)
        {
            for (var i = 0; i < block.Statements.Count; i++)
            {
                if (block.Statements[i].Span.Contains(node.Span))
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool IsFunction(SyntaxNode node)
            => node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;

        private static bool HasGoto(SyntaxNode function)
            => function.DescendantNodes(n => n == function || !IsFunction(n)).Any(n => n is GotoStatementSyntax or LabeledStatementSyntax);

        /// <summary>A statement from which control can leave the wrapped range other than by falling through or throwing.</summary>
        private static bool LeavesRange(StatementSyntax statement)
        {
            foreach (var node in statement.DescendantNodesAndSelf(n => !IsFunction(n)))
            {
                switch (node)
                {
                    case ReturnStatementSyntax:
                    case YieldStatementSyntax:
                    case GotoStatementSyntax:
                        return true;
                    case BreakStatementSyntax or ContinueStatementSyntax:
                        if (!node.Ancestors().TakeWhile(a => a != statement.Parent).Any(a => a is ForStatementSyntax or ForEachStatementSyntax
                                or ForEachVariableStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                                || (a is SwitchStatementSyntax && node is BreakStatementSyntax)))
                        {
                            return true;
                        }

                        break;
                }
            }

            return false;
        }

        private static bool BindsToDatabaseFacade(SemanticModel model, StatementSyntax anchor, string database)
        {
            var expression = SyntaxFactory.ParseExpression(database);
            var type = model.GetSpeculativeTypeInfo(anchor.SpanStart, expression, SpeculativeBindingOption.BindAsExpression).Type;
            if (type?.Name != "DatabaseFacade")
            {
                return false;
            }

            // A local declared later in the block is in scope but not yet assigned (CS0841).
            var receiver = expression is MemberAccessExpressionSyntax { Expression: var inner } ? inner : null;
            if (receiver != null
                && model.GetSpeculativeSymbolInfo(anchor.SpanStart, receiver, SpeculativeBindingOption.BindAsExpression).Symbol is ILocalSymbol local
                && local.DeclaringSyntaxReferences.Any(r => r.Span.Start >= anchor.SpanStart))
            {
                return false;
            }

            return true;
        }

        /// <summary>
        /// Whether the statements still compile inside a lambda: no local they declare is used after
        /// them, and they use no ref, out or in parameter, ref local, ref struct or struct <c>this</c>.
        /// </summary>
        private static bool CanMoveIntoLambda(SemanticModel model, List<StatementSyntax> range)
        {
            var flow = model.AnalyzeDataFlow(range[0], range[range.Count - 1]);
            if (flow is null || !flow.Succeeded)
            {
                return false;
            }

            foreach (var declared in flow.VariablesDeclared)
            {
                if (flow.ReadOutside.Contains(declared) || flow.WrittenOutside.Contains(declared))
                {
                    return false;
                }
            }

            foreach (var used in flow.ReadInside.Concat(flow.WrittenInside))
            {
                switch (used)
                {
                    case IParameterSymbol parameter when parameter.RefKind != RefKind.None
                                                         || parameter.Type.IsRefLikeType
                                                         || (parameter.IsThis && parameter.Type.IsValueType):
                        return false;
                    case ILocalSymbol local when local.IsRef || local.Type.IsRefLikeType:
                        return false;
                }
            }

            return true;
        }

        private static HashSet<string> TakenNames(SemanticModel model, SyntaxNode function, SyntaxNode anchor)
        {
            var taken = new HashSet<string>(model.LookupSymbols(anchor.SpanStart).Select(s => s.Name));
            foreach (var token in function.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken))
                {
                    taken.Add(token.ValueText);
                }
            }

            return taken;
        }

        private static string Unique(string name, HashSet<string> taken)
        {
            var candidate = name;
            for (var i = 2; taken.Contains(candidate); i++)
            {
                candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(candidate);
            return candidate;
        }

        private static string Indentation(SyntaxNode statement)
        {
            var trivia = statement.GetLeadingTrivia();
            return trivia.Count > 0 && trivia.Last().IsKind(SyntaxKind.WhitespaceTrivia) ? trivia.Last().ToString() : string.Empty;
        }

        private static string EndOfLine(SyntaxNode root)
        {
            var eol = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            return eol.IsKind(SyntaxKind.EndOfLineTrivia) ? eol.ToString() : "\n";
        }

        /// <summary>Moves every line of <paramref name="text"/> that starts with <paramref name="from"/> one level in.</summary>
        private static string Reindent(string text, string from, string to, string eol)
        {
            var lines = text.Split(new[] { eol }, System.StringSplitOptions.None);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length > 0 && lines[i].StartsWith(from, System.StringComparison.Ordinal))
                {
                    lines[i] = to + lines[i].Substring(from.Length);
                }
            }

            return string.Join(eol, lines);
        }
    }
}
