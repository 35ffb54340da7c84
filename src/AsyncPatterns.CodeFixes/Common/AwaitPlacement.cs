using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.CodeFixes.Common
{
    /// <summary>Where an <c>await</c> may be inserted without a compiler error.</summary>
    internal static class AwaitPlacement
    {
        /// <summary>
        /// The innermost function around the node: a lambda, an anonymous method, a local function,
        /// a member, or the compilation unit for top-level statements.
        /// </summary>
        public static SyntaxNode? EnclosingFunction(SyntaxNode node)
        {
            for (var current = node.Parent; current != null; current = current.Parent)
            {
                switch (current)
                {
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case BaseMethodDeclarationSyntax:
                    case AccessorDeclarationSyntax:
                    case PropertyDeclarationSyntax:
                    case IndexerDeclarationSyntax:
                    case FieldDeclarationSyntax:
                    case GlobalStatementSyntax:
                        return current;
                }
            }

            return null;
        }

        public static bool IsAsync(SyntaxNode? function) => function switch
        {
            AnonymousFunctionExpressionSyntax lambda => lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
            LocalFunctionStatementSyntax local => local.Modifiers.Any(SyntaxKind.AsyncKeyword),
            MethodDeclarationSyntax method => method.Modifiers.Any(SyntaxKind.AsyncKeyword),

            // Top-level statements may await: the compiler makes the entry point async.
            GlobalStatementSyntax => true,
            _ => false,
        };

        /// <summary>
        /// Whether an <c>await</c> compiles at the node inside an async function: not in a <c>lock</c>
        /// body (CS1996), not in a query clause (CS1995), not in an <c>unsafe</c> context (CS4004).
        /// </summary>
        public static bool CanAwaitAt(SyntaxNode node, SyntaxNode function)
        {
            for (var current = node.Parent; current != null && current != function; current = current.Parent)
            {
                switch (current)
                {
                    case LockStatementSyntax:
                    case QueryExpressionSyntax:
                    case UnsafeStatementSyntax:
                        return false;
                }
            }

            return !(function is MemberDeclarationSyntax member && HasUnsafe(member));
        }

        /// <summary>Whether an <c>await</c> compiles at the node as it stands (the function is already async).</summary>
        public static bool CanAwaitHere(SyntaxNode node)
        {
            var function = EnclosingFunction(node);
            return function != null && IsAsync(function) && CanAwaitAt(node, function);
        }

        private static bool HasUnsafe(MemberDeclarationSyntax member)
        {
            for (SyntaxNode? current = member; current is MemberDeclarationSyntax declaration; current = current.Parent)
            {
                var modifiers = declaration switch
                {
                    BaseMethodDeclarationSyntax method => method.Modifiers,
                    BaseTypeDeclarationSyntax type => type.Modifiers,
                    _ => default,
                };
                if (modifiers.Any(SyntaxKind.UnsafeKeyword))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
