using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>Questions about the paths through a function, answered on Roslyn's control-flow graph.</summary>
    internal static class ControlFlowPaths
    {
        /// <summary>
        /// The control-flow graph of the function (member, lambda or local function) that encloses
        /// <paramref name="operation"/>, or <c>null</c> when it cannot be built.
        /// </summary>
        public static ControlFlowGraph? GetGraph(OperationBlockAnalysisContext context, IOperation operation)
        {
            var functions = new List<IOperation>();
            IOperation? block = null;
            for (var current = operation.Parent; current != null && block is null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    functions.Add(current);
                }

                foreach (var candidate in context.OperationBlocks)
                {
                    if (ReferenceEquals(candidate, current))
                    {
                        block = candidate;
                    }
                }
            }

            if (block is null)
            {
                return null;
            }

            try
            {
                return Descend(context.GetControlFlowGraph(block), functions);
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>
        /// The same from an operation action: the graph of the operation block that holds
        /// <paramref name="operation"/> is the one the driver builds (and caches) for the context.
        /// </summary>
        public static ControlFlowGraph? GetGraph(OperationAnalysisContext context, IOperation operation)
        {
            var functions = new List<IOperation>();
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    functions.Add(current);
                }
            }

            try
            {
                return Descend(context.GetControlFlowGraph(), functions);
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>From the block's graph down to the graph of the innermost function (outermost function last in the list).</summary>
        private static ControlFlowGraph? Descend(ControlFlowGraph? graph, List<IOperation> functions)
        {
            for (var i = functions.Count - 1; i >= 0 && graph != null; i--)
            {
                switch (functions[i])
                {
                    case ILocalFunctionOperation localFunction:
                        graph = graph.LocalFunctions.Contains(localFunction.Symbol)
                            ? graph.GetLocalFunctionControlFlowGraph(localFunction.Symbol)
                            : null;
                        break;
                    case IAnonymousFunctionOperation lambda:
                        var flow = FindFlowLambda(graph, lambda.Symbol);
                        graph = flow is null ? null : graph.GetAnonymousFunctionControlFlowGraph(flow);
                        break;
                }
            }

            return graph;
        }

        /// <summary>
        /// Whether every path from <paramref name="start"/> that ends normally passes
        /// <paramref name="stop"/>, decided without a graph for the plain shape: <paramref name="stop"/>
        /// is a call statement (awaited or not) of the block whose statement holds
        /// <paramref name="start"/>, later in it, and nothing between them can leave the block
        /// (no return, break, continue, goto). <c>false</c> means "not this shape": ask the graph.
        /// Building a graph costs far more than this look at a few statements.
        /// </summary>
        public static bool FollowsInSameBlock(IOperation start, IOperation stop)
        {
            var stopStatement = stop;
            while (stopStatement.Parent is IAwaitOperation or IConversionOperation or IParenthesizedOperation)
            {
                stopStatement = stopStatement.Parent;
            }

            if (stopStatement.Parent is not IExpressionStatementOperation { Parent: IBlockOperation block } statement)
            {
                return false;
            }

            var startStatement = start;
            while (startStatement.Parent != null && !ReferenceEquals(startStatement.Parent, block))
            {
                startStatement = startStatement.Parent;
            }

            if (startStatement.Parent is null)
            {
                return false;
            }

            var operations = block.Operations;
            var startIndex = operations.IndexOf(startStatement);
            var stopIndex = operations.IndexOf(statement);
            if (startIndex < 0 || stopIndex <= startIndex)
            {
                return false;
            }

            var pending = new Stack<IOperation>();
            for (var i = startIndex; i < stopIndex; i++)
            {
                pending.Push(operations[i]);
            }

            while (pending.Count > 0)
            {
                var operation = pending.Pop();
                if (operation is IReturnOperation or IBranchOperation)
                {
                    return false;
                }

                // A lambda's return (an expression lambda has an implicit one) leaves the lambda,
                // not this block; no branch crosses a function's boundary.
                if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    continue;
                }

                foreach (var child in operation.ChildOperations)
                {
                    pending.Push(child);
                }
            }

            return true;
        }

        /// <summary>
        /// Whether some path from the operation at <paramref name="start"/> reaches the end of the
        /// function (falling off the end or <c>return</c>; with <paramref name="throwEndsPath"/>, an
        /// explicit <c>throw</c> too) without passing an operation for which <paramref name="isStop"/>
        /// holds, directly or in a <c>finally</c> the path runs on its way out. The exceptional paths
        /// into <c>catch</c> blocks do not count. <c>null</c> when the start is not in the graph.
        /// </summary>
        public static bool? ReachesExitWithout(ControlFlowGraph graph, SyntaxNode start, Func<IOperation, bool> isStop, bool throwEndsPath = false)
        {
            var blocks = graph.Blocks;
            var stops = new bool[blocks.Length];
            int startBlock = -1, startIndex = -1;
            foreach (var block in blocks)
            {
                var count = block.Operations.Length + (block.BranchValue is null ? 0 : 1);
                for (var i = 0; i < count; i++)
                {
                    var operation = i < block.Operations.Length ? block.Operations[i] : block.BranchValue!;

                    // The first operation that holds the start: later ones may be the implicit
                    // finally of a using statement whose resource it is.
                    if (startBlock < 0 && operation.Syntax.SyntaxTree == start.SyntaxTree && operation.Syntax.Span.Contains(start.Span))
                    {
                        startBlock = block.Ordinal;
                        startIndex = i;
                    }

                    if (!stops[block.Ordinal] && Contains(operation, isStop))
                    {
                        stops[block.Ordinal] = true;
                    }
                }
            }

            if (startBlock < 0)
            {
                return null;
            }

            var first = blocks[startBlock];
            var firstCount = first.Operations.Length + (first.BranchValue is null ? 0 : 1);
            for (var i = startIndex + 1; i < firstCount; i++)
            {
                if (Contains(i < first.Operations.Length ? first.Operations[i] : first.BranchValue!, isStop))
                {
                    return false;
                }
            }

            var visited = new bool[blocks.Length];
            var pending = new Stack<BasicBlock>();
            pending.Push(first);
            while (pending.Count > 0)
            {
                var block = pending.Pop();
                foreach (var branch in new[] { block.ConditionalSuccessor, block.FallThroughSuccessor })
                {
                    if (branch is null || RunsStoppingFinally(branch, stops))
                    {
                        continue;
                    }

                    var destination = branch.Destination;
                    if (destination is null)
                    {
                        if (throwEndsPath && branch.Semantics is ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow)
                        {
                            return true;
                        }

                        continue;
                    }

                    if (destination.Kind == BasicBlockKind.Exit)
                    {
                        return true;
                    }

                    if (visited[destination.Ordinal] || stops[destination.Ordinal])
                    {
                        continue;
                    }

                    visited[destination.Ordinal] = true;
                    pending.Push(destination);
                }
            }

            return false;
        }

        private static bool RunsStoppingFinally(ControlFlowBranch branch, bool[] stops)
        {
            foreach (var region in branch.FinallyRegions)
            {
                for (var ordinal = region.FirstBlockOrdinal; ordinal <= region.LastBlockOrdinal && ordinal < stops.Length; ordinal++)
                {
                    if (stops[ordinal])
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool Contains(IOperation operation, Func<IOperation, bool> isStop)
        {
            foreach (var descendant in OperationTrees.DescendantsAndSelf(operation))
            {
                if (isStop(descendant))
                {
                    return true;
                }
            }

            return false;
        }

        private static IFlowAnonymousFunctionOperation? FindFlowLambda(ControlFlowGraph graph, IMethodSymbol symbol)
        {
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    foreach (var descendant in OperationTrees.DescendantsAndSelf(operation))
                    {
                        if (descendant is IFlowAnonymousFunctionOperation flow && SymbolEqualityComparer.Default.Equals(flow.Symbol, symbol))
                        {
                            return flow;
                        }
                    }
                }

                if (block.BranchValue != null)
                {
                    foreach (var descendant in OperationTrees.DescendantsAndSelf(block.BranchValue))
                    {
                        if (descendant is IFlowAnonymousFunctionOperation flow && SymbolEqualityComparer.Default.Equals(flow.Symbol, symbol))
                        {
                            return flow;
                        }
                    }
                }
            }

            return null;
        }
    }
}
