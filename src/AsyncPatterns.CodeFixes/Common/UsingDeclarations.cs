using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.CodeFixes.Common
{
    /// <summary>
    /// Turns <c>var x = ...;</c> into <c>using var x = ...;</c> or <c>await using var x = ...;</c>
    /// (AP1003's contexts, AP4003's transactions): the value is then disposed on every path when
    /// the enclosing block ends, and a later <c>x.Dispose();</c> in the same block is removed.
    /// </summary>
    internal static class UsingDeclarations
    {
        /// <summary>
        /// The declaration at <paramref name="span"/> when a using declaration compiles there: one
        /// declarator, not already <c>using</c>, directly in a block or in top-level statements,
        /// C# 8 or later, and no <c>goto</c> in the function (CS8648). The caller checks that the
        /// local is never reassigned.
        /// </summary>
        public static LocalDeclarationStatementSyntax? FindConvertible(SyntaxNode root, TextSpan span)
        {
            if (root.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp8 })
            {
                return null;
            }

            var node = root.FindNode(span, getInnermostNodeForTie: true);
            var statement = node.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            if (statement is null
                || statement.Declaration.Variables.Count != 1
                || statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                || statement.Modifiers.Any(SyntaxKind.ConstKeyword)
                || statement.Parent is not (BlockSyntax or GlobalStatementSyntax))
            {
                return null;
            }

            var function = statement.Ancestors().FirstOrDefault(IsFunction) ?? root;
            if (function.DescendantNodes(descendIntoChildren: child => child == function || !IsFunction(child))
                .Any(n => n is GotoStatementSyntax))
            {
                // CS8648: a goto cannot jump past a using declaration.
                return null;
            }

            return statement;
        }

        /// <summary>Whether <c>await using</c> compiles at the statement as far as its position goes (not in a <c>lock</c>, CS1996).</summary>
        public static bool CanAwaitUsing(LocalDeclarationStatementSyntax statement)
        {
            var function = statement.Ancestors().FirstOrDefault(IsFunction);
            return !statement.Ancestors().TakeWhile(a => a != function).Any(a => a is LockStatementSyntax);
        }

        /// <summary>Adds <c>using</c> (or <c>await using</c>) to the declaration and removes the now redundant Dispose statements.</summary>
        public static void Convert(DocumentEditor editor, LocalDeclarationStatementSyntax statement, bool useAwait, HashSet<SyntaxNode> removed)
        {
            var replacement = statement
                .WithoutLeadingTrivia()
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithAwaitKeyword(useAwait
                    ? SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space)
                    : default)
                .WithLeadingTrivia(statement.GetLeadingTrivia());
            editor.ReplaceNode(statement, replacement);

            foreach (var (dispose, next) in RedundantDisposeStatements(statement, statement.Declaration.Variables[0].Identifier.ValueText))
            {
                if (!removed.Add(dispose))
                {
                    continue;
                }

                editor.RemoveNode(dispose, SyntaxRemoveOptions.KeepNoTrivia);

                // The blank line and comments above the removed statement move to the next
                // one; its own indentation stays.
                var moved = dispose.GetLeadingTrivia();
                if (moved.Count > 0 && moved.Last().IsKind(SyntaxKind.WhitespaceTrivia))
                {
                    moved = moved.RemoveAt(moved.Count - 1);
                }

                if (next != null && moved.Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia)))
                {
                    editor.ReplaceNode(next, (current, _) => current.WithLeadingTrivia(moved.AddRange(current.GetLeadingTrivia())));
                }
            }
        }

        private static bool IsFunction(SyntaxNode node)
            => node is BaseMethodDeclarationSyntax
                or AccessorDeclarationSyntax
                or LocalFunctionStatementSyntax
                or AnonymousFunctionExpressionSyntax;

        /// <summary>
        /// <c>db.Dispose();</c> or <c>await db.DisposeAsync();</c> later in the same block (the using
        /// declaration now does it), each with the statement that follows it.
        /// </summary>
        private static IEnumerable<(SyntaxNode Dispose, SyntaxNode? Next)> RedundantDisposeStatements(LocalDeclarationStatementSyntax statement, string name)
        {
            IReadOnlyList<SyntaxNode> siblings;
            SyntaxNode self;
            if (statement.Parent is BlockSyntax block)
            {
                siblings = block.Statements;
                self = statement;
            }
            else if (statement.Parent is GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } global)
            {
                siblings = unit.Members;
                self = global;
            }
            else
            {
                yield break;
            }

            var after = false;
            for (var i = 0; i < siblings.Count; i++)
            {
                var sibling = siblings[i];
                if (sibling == self)
                {
                    after = true;
                    continue;
                }

                var candidate = sibling is GlobalStatementSyntax g ? g.Statement : sibling;
                if (after && candidate is ExpressionStatementSyntax expression && IsDisposeOf(expression.Expression, name))
                {
                    var next = i + 1 < siblings.Count ? siblings[i + 1] : null;
                    if (next != null && IsDisposeStatementOf(next, name))
                    {
                        next = null;
                    }

                    yield return (sibling, next);
                }
            }
        }

        private static bool IsDisposeStatementOf(SyntaxNode node, string name)
            => (node is GlobalStatementSyntax g ? g.Statement : node) is ExpressionStatementSyntax expression
               && IsDisposeOf(expression.Expression, name);

        private static bool IsDisposeOf(ExpressionSyntax expression, string name)
        {
            if (expression is AwaitExpressionSyntax awaitExpression)
            {
                expression = awaitExpression.Expression;
                if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure })
                {
                    expression = configure.Expression;
                }
            }

            return expression is InvocationExpressionSyntax
            {
                ArgumentList.Arguments.Count: 0,
                Expression: MemberAccessExpressionSyntax
                {
                    Expression: IdentifierNameSyntax receiver,
                    Name.Identifier.ValueText: "Dispose" or "DisposeAsync",
                },
            } && receiver.Identifier.ValueText == name;
        }
    }
}
