using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// The operation tree an operation belongs to: rules that react to one operation (a call, an
    /// assignment) look at the rest of its member from there, instead of walking every member.
    /// </summary>
    internal static class OperationTrees
    {
        /// <summary>The root of the operation's tree: its member's body (or initializer) as the driver handed it out.</summary>
        public static IOperation Root(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>Every reference to <paramref name="local"/> in the tree of <paramref name="anywhere"/>, in tree order.</summary>
        public static List<ILocalReferenceOperation> ReferencesTo(ILocalSymbol local, IOperation anywhere)
        {
            var references = new List<ILocalReferenceOperation>();
            foreach (var operation in Root(anywhere).Descendants())
            {
                if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    references.Add(reference);
                }
            }

            return references;
        }
    }
}
