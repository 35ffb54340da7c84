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

        /// <summary>
        /// The lambda or local function the operation runs in, nearest first; <c>null</c> when it runs
        /// in the member itself. By kind: the walks that ask visit every call of a member.
        /// </summary>
        public static IOperation? EnclosingFunction(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current.Kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction)
                {
                    return current;
                }
            }

            return null;
        }

        /// <summary>Every reference to <paramref name="local"/> in the tree of <paramref name="anywhere"/>, in tree order.</summary>
        public static List<ILocalReferenceOperation> ReferencesTo(ILocalSymbol local, IOperation anywhere)
        {
            var references = new List<ILocalReferenceOperation>();
            foreach (var operation in Descendants(Root(anywhere)))
            {
                // By kind first: a type test against an interface scans the operation class's interfaces.
                if (operation.Kind == OperationKind.LocalReference
                    && operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    references.Add(reference);
                }
            }

            return references;
        }

        /// <summary>
        /// The operations under <paramref name="root"/> (itself excluded), in the order of Roslyn's
        /// <c>Descendants()</c>: parent before children, children in source order. Walked with the
        /// children's struct enumerators on one stack, where <c>Descendants()</c> allocates an
        /// iterator and an enumerator object per node, on walks that run for most members.
        /// </summary>
        public static DescendantWalk Descendants(IOperation root) => new DescendantWalk(root, includeSelf: false);

        /// <summary>The same, <paramref name="root"/> first.</summary>
        public static DescendantWalk DescendantsAndSelf(IOperation root) => new DescendantWalk(root, includeSelf: true);

        internal readonly struct DescendantWalk
        {
            private readonly IOperation _root;
            private readonly bool _includeSelf;

            public DescendantWalk(IOperation root, bool includeSelf)
            {
                _root = root;
                _includeSelf = includeSelf;
            }

            public Enumerator GetEnumerator() => new Enumerator(_root, _includeSelf);
        }

        internal struct Enumerator
        {
            private readonly Stack<IOperation.OperationList.Enumerator> _pending;
            private IOperation.OperationList.Enumerator _children;
            private IOperation? _self;

            public Enumerator(IOperation root, bool includeSelf)
            {
                _pending = new Stack<IOperation.OperationList.Enumerator>();
                _children = root.ChildOperations.GetEnumerator();
                _self = includeSelf ? root : null;
                Current = null!;
            }

            public IOperation Current { get; private set; }

            public bool MoveNext()
            {
                if (_self != null)
                {
                    Current = _self;
                    _self = null;
                    return true;
                }

                while (true)
                {
                    if (_children.MoveNext())
                    {
                        Current = _children.Current;
                        _pending.Push(_children);
                        _children = Current.ChildOperations.GetEnumerator();
                        return true;
                    }

                    if (_pending.Count == 0)
                    {
                        return false;
                    }

                    _children = _pending.Pop();
                }
            }
        }
    }
}
