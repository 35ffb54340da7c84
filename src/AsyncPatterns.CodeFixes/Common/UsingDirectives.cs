using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace AsyncPatterns.CodeFixes.Common
{
    /// <summary>Adds <c>using</c> directives that a fix's new code needs.</summary>
    internal static class UsingDirectives
    {
        /// <summary>
        /// Adds <c>using <paramref name="namespaceName"/>;</c> to the file's top-level usings, in
        /// order (System first), unless the file already imports it at the top or in a namespace,
        /// or the project imports it globally (<c>global using</c>, SDK implicit usings) as seen by
        /// <paramref name="originalModel"/>, a semantic model of the document before the fix.
        /// </summary>
        public static CompilationUnitSyntax Ensure(CompilationUnitSyntax root, string namespaceName, SemanticModel? originalModel = null)
        {
            var imported = root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
                .OfType<UsingDirectiveSyntax>()
                .Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == namespaceName);
            if (imported || IsImportedGlobally(originalModel, namespaceName))
            {
                return root;
            }

            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(namespaceName))
                .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation);

            var usings = root.Usings;
            var index = 0;
            while (index < usings.Count && Compare(usings[index], namespaceName) < 0)
            {
                index++;
            }

            if (usings.Count > 0)
            {
                // The line ending the file already uses.
                directive = directive.WithTrailingTrivia(usings[0].GetTrailingTrivia());
            }

            if (index == 0 && usings.Count > 0)
            {
                // Keep the file's leading trivia (a header comment) in front of the first using.
                var first = usings[0];
                directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
                usings = usings.Replace(first, first.WithLeadingTrivia());
            }

            return root.WithUsings(usings.Insert(index, directive));
        }

        private static bool IsImportedGlobally(SemanticModel? model, string namespaceName)
        {
            if (model is null)
            {
                return false;
            }

            // Import scopes seen from the end of the file: its own usings and every global using.
            // (Not from position 0: inside the file's first using directive no imports are in scope.)
            return model.GetImportScopes(model.SyntaxTree.Length)
                .SelectMany(scope => scope.Imports)
                .Any(import => import.NamespaceOrType is INamespaceSymbol ns && ns.ToDisplayString() == namespaceName);
        }

        private static int Compare(UsingDirectiveSyntax existing, string namespaceName)
        {
            if (existing.Alias != null || !existing.StaticKeyword.IsKind(SyntaxKind.None) || !existing.GlobalKeyword.IsKind(SyntaxKind.None))
            {
                return existing.GlobalKeyword.IsKind(SyntaxKind.None) ? 1 : -1;
            }

            var name = existing.Name?.ToString() ?? string.Empty;
            var existingIsSystem = name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
            var newIsSystem = namespaceName == "System" || namespaceName.StartsWith("System.", StringComparison.Ordinal);
            if (existingIsSystem != newIsSystem)
            {
                return existingIsSystem ? -1 : 1;
            }

            return string.CompareOrdinal(name, namespaceName);
        }
    }
}
