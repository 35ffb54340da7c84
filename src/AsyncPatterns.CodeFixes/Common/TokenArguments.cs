using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.CodeFixes.Common
{
    /// <summary>Adds a CancellationToken argument to a call, keeping the arguments' own text and trivia.</summary>
    internal static class TokenArguments
    {
        /// <summary>
        /// Appends <paramref name="token"/> to <paramref name="list"/>, as <c>name: token</c> when
        /// <paramref name="parameterName"/> is given. When <paramref name="paramsStart"/> is given,
        /// the arguments from there on (a <c>params</c> list written one by one) are first wrapped
        /// into <c>new <paramref name="elementType"/>[] { ... }</c>, since the token-taking overloads
        /// (<c>FindAsync(object[], CancellationToken)</c>) take the values as one array.
        /// </summary>
        public static ArgumentListSyntax Add(ArgumentListSyntax list, string token, string? parameterName, int? paramsStart, string? elementType)
        {
            var arguments = list.Arguments.ToList();
            var separators = list.Arguments.GetSeparators().ToList();

            if (paramsStart is int start && elementType != null && start >= 0 && start < arguments.Count)
            {
                // Built from the argument nodes themselves (not re-parsed text), so that fixes of
                // calls nested in these arguments still find their nodes.
                var values = arguments.Skip(start).Select(a => a.Expression.WithoutTrivia()).ToList();
                var commas = Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), values.Count - 1);
                var array = SyntaxFactory.ArrayCreationExpression(
                    SyntaxFactory.Token(SyntaxKind.NewKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.ArrayType(
                        SyntaxFactory.ParseTypeName(elementType),
                        SyntaxFactory.SingletonList(SyntaxFactory.ArrayRankSpecifier(
                            SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(SyntaxFactory.OmittedArraySizeExpression())))),
                    SyntaxFactory.InitializerExpression(
                        SyntaxKind.ArrayInitializerExpression,
                        SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                        SyntaxFactory.SeparatedList(values, commas),
                        SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space)));
                var wrapped = SyntaxFactory.Argument(array)
                    .WithLeadingTrivia(arguments[start].GetLeadingTrivia())
                    .WithTrailingTrivia(arguments[arguments.Count - 1].GetTrailingTrivia());
                arguments = arguments.Take(start).Append(wrapped).ToList();
                separators = separators.Take(start).ToList();
            }

            var argument = SyntaxFactory.Argument(SyntaxFactory.ParseExpression(token));
            if (parameterName != null)
            {
                argument = argument.WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(parameterName)));
            }

            if (arguments.Count > 0)
            {
                // The last argument's trailing trivia (a line break before ')') moves after the token.
                var last = arguments[arguments.Count - 1];
                argument = argument.WithTrailingTrivia(last.GetTrailingTrivia());
                arguments[arguments.Count - 1] = last.WithoutTrailingTrivia();
                separators = separators.Take(arguments.Count - 1).ToList();
                separators.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
            }

            arguments.Add(argument);
            return list.WithArguments(SyntaxFactory.SeparatedList(arguments, separators));
        }

        /// <summary>Whether any argument is named, so a new one must be named too.</summary>
        public static bool HasNamedArgument(ArgumentListSyntax list) => list.Arguments.Any(a => a.NameColon != null);

        /// <summary>Reads an index property written with the invariant culture.</summary>
        public static int? ReadIndex(IReadOnlyDictionary<string, string?> properties, string key)
            => properties.TryGetValue(key, out var text) && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value
                : null;
    }
}
