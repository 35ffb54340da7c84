using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>What becomes of a task (or thread) a method starts.</summary>
    internal enum TaskFate
    {
        /// <summary>Awaited, waited for or joined in the method that started it (directly, through a local, or through WhenAll/WhenAny).</summary>
        Awaited,

        /// <summary>Returned to the caller, which may await it.</summary>
        Returned,

        /// <summary>Dropped, discarded with <c>_ =</c>, stored in a field, or handed to someone else.</summary>
        NotAwaited,
    }

    /// <summary>Work started on another thread: <c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>ThreadPool.QueueUserWorkItem</c>, <c>new Thread(...)</c>.</summary>
    internal sealed class BackgroundWork
    {
        public BackgroundWork(IOperation start, string name, IAnonymousFunctionOperation? body)
        {
            Start = start;
            Name = name;
            Body = body;
        }

        /// <summary>The invocation or object creation that starts the work.</summary>
        public IOperation Start { get; }

        /// <summary>A display name, <c>Task.Run</c>.</summary>
        public string Name { get; }

        /// <summary>The work, when it is written as a lambda or anonymous method.</summary>
        public IAnonymousFunctionOperation? Body { get; }

        public static BackgroundWork? TryGet(IOperation operation, KnownTypes types)
        {
            // By kind: this runs for every call and creation, and a type test against an interface
            // scans the operation class's interfaces.
            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    var invocation = (IInvocationOperation)operation;
                    var method = invocation.TargetMethod;
                    string? name = null;
                    if (method.Name is not ("Run" or "StartNew" or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem"))
                    {
                        // Most calls: decided by the name, before any symbol comparison.
                        return null;
                    }

                    if (method.IsContainedIn(types.Task) && method.Name == "Run")
                    {
                        name = "Task.Run";
                    }
                    else if (method.IsContainedIn(types.TaskFactory) && method.Name == "StartNew")
                    {
                        name = "Task.Factory.StartNew";
                    }
                    else if (method.IsContainedIn(types.ThreadPool) && method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem")
                    {
                        name = "ThreadPool." + method.Name;
                    }

                    return name is null ? null : new BackgroundWork(invocation, name, FindBody(invocation.Arguments));

                case OperationKind.ObjectCreation when operation.Type.IsType(types.Thread):
                    var creation = (IObjectCreationOperation)operation;
                    return new BackgroundWork(creation, "new Thread", FindBody(creation.Arguments));

                default:
                    return null;
            }
        }

        /// <summary>
        /// What the starting method does with the task. Threads count as awaited only when joined
        /// through the local that holds them.
        /// </summary>
        public static TaskFate GetFate(IOperation start, KnownTypes types) => GetFate(start, types, 0);

        private static TaskFate GetFate(IOperation start, KnownTypes types, int depth)
        {
            var current = start;
            while (current.Parent != null)
            {
                var parent = current.Parent;
                switch (parent)
                {
                    case IConversionOperation:
                    case IParenthesizedOperation:
                        current = parent;
                        continue;

                    case IAwaitOperation:
                        return TaskFate.Awaited;

                    case IInvocationOperation invocation when invocation.Instance == current:
                        if (invocation.TargetMethod.Name is "Wait" or "GetAwaiter" or "GetResult" or "Join")
                        {
                            return TaskFate.Awaited;
                        }

                        if (invocation.TargetMethod.Name is "ConfigureAwait" or "ContinueWith" or "Unwrap")
                        {
                            current = parent;
                            continue;
                        }

                        // `new Thread(...).Start()`, `Task.Run(...).Forget()`.
                        return TaskFate.NotAwaited;

                    case IPropertyReferenceOperation { Property.Name: "Result" }:
                        return TaskFate.Awaited;

                    case IArgumentOperation:
                    case IArrayInitializerOperation:
                    case IArrayCreationOperation:
                    case ICollectionExpressionOperation:
                        return IsJoined(parent, types) ? TaskFate.Awaited : TaskFate.NotAwaited;

                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return IsLocalAwaited(declarator.Symbol, start, types, depth) ? TaskFate.Awaited : TaskFate.NotAwaited;

                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == current:
                        return IsLocalAwaited(local.Local, start, types, depth) ? TaskFate.Awaited : TaskFate.NotAwaited;

                    case IReturnOperation:
                        return TaskFate.Returned;

                    default:
                        return TaskFate.NotAwaited;
                }
            }

            return TaskFate.NotAwaited;
        }

        private static IAnonymousFunctionOperation? FindBody(IEnumerable<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                var value = DataAccessModel.Unwrap(argument.Value);
                if (value is IDelegateCreationOperation creation)
                {
                    value = DataAccessModel.Unwrap(creation.Target);
                }

                if (value is IAnonymousFunctionOperation lambda)
                {
                    return lambda;
                }
            }

            return null;
        }

        /// <summary>Whether an argument or element ends up in <c>Task.WhenAll/WhenAny/WaitAll/WaitAny</c>.</summary>
        private static bool IsJoined(IOperation operation, KnownTypes types)
        {
            for (var current = operation; current != null; current = current.Parent)
            {
                if (current is IInvocationOperation invocation)
                {
                    return invocation.TargetMethod.IsContainedIn(types.Task)
                           && invocation.TargetMethod.Name is "WhenAll" or "WhenAny" or "WaitAll" or "WaitAny";
                }

                if (current is IBlockOperation or IExpressionStatementOperation)
                {
                    return false;
                }
            }

            return false;
        }

        private static bool IsLocalAwaited(ILocalSymbol local, IOperation start, KnownTypes types, int depth)
        {
            // Aliases of aliases (`var t2 = t;`) are followed a few steps; half-typed code can make cycles.
            if (depth > 4)
            {
                return false;
            }

            var function = start;
            while (function.Parent != null && function is not IAnonymousFunctionOperation and not ILocalFunctionOperation)
            {
                function = function.Parent;
            }

            foreach (var reference in function.Descendants().OfType<ILocalReferenceOperation>())
            {
                if (!SymbolEqualityComparer.Default.Equals(reference.Local, local)
                    || reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
                {
                    continue;
                }

                var fate = GetFate(reference, types, depth + 1);
                if (fate == TaskFate.Awaited)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
