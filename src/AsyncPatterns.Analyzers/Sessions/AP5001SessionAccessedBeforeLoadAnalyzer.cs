using System.Collections.Generic;
using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Sessions
{
    /// <summary>
    /// AP5001: in an async method, lambda or local function, the request's session is read or
    /// written before <c>await session.LoadAsync()</c> has run on every path. ASP.NET Core's
    /// distributed session then loads itself with the synchronous <c>IDistributedCache.Get</c>
    /// (https://learn.microsoft.com/aspnet/core/fundamentals/app-state#load-session-state-asynchronously),
    /// blocking a thread on the store. One diagnostic per function, on its first such access: after
    /// one load the rest of the function is fine.
    /// <para>
    /// "On every path" is structural: a statement <c>await s.LoadAsync(...);</c> earlier in a block
    /// that encloses the access, in the same function (also inside a nested plain block or a
    /// <c>try</c> without <c>catch</c>). Synchronous code is left alone (it cannot await, and its
    /// sync load is the only kind it has); so are sessions handed over as <c>ISession</c> (the giver
    /// may have loaded them), and every session when <c>async_patterns.session_preloaded = true</c>.
    /// </para>
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP5001SessionAccessedBeforeLoadAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP5001SessionAccessedBeforeLoad);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                // Session and cache rules need ASP.NET Core only, not EF Core.
                var types = KnownTypes.Create(start.Compilation);
                if (types.Session is null || types.HttpContext is null)
                {
                    return;
                }

                var preloaded = TreeOptions.Create(start.Options).SessionPreloaded;
                var cache = new SessionMemberCache();
                start.RegisterOperationAction(c => AnalyzeAccess(c, types, cache, preloaded), OperationKind.Invocation, OperationKind.PropertyReference);
            });
        }

        /// <summary>
        /// Few members touch the session, so a member is analyzed only from a session access, and
        /// only once: from the first access of the member's operation tree.
        /// </summary>
        private static void AnalyzeAccess(OperationAnalysisContext context, KnownTypes types, SessionMemberCache cache, BooleanTreeOption preloaded)
        {
            var trigger = context.Operation;
            if (!SessionAccess.IsAccess(SessionAccess.Classify(trigger, types, cache)))
            {
                return;
            }

            var block = OperationTrees.Root(trigger);

            if (preloaded.Get(block.Syntax.SyntaxTree))
            {
                return;
            }

            Dictionary<IMethodSymbol, (SyntaxNode Name, IOperation Session)>? first = null;
            var isFirstAccess = true;
            foreach (var operation in OperationTrees.DescendantsAndSelf(block))
            {
                if (operation.Kind is not (OperationKind.Invocation or OperationKind.PropertyReference)
                    || !SessionAccess.IsAccess(SessionAccess.Classify(operation, types, cache)))
                {
                    continue;
                }

                if (isFirstAccess && !ReferenceEquals(operation, trigger))
                {
                    return;
                }

                isFirstAccess = false;
                var function = AsyncContext.GetEnclosingFunction(operation, context.ContainingSymbol);
                var name = MemberName(operation.Syntax);
                var session = SessionAccess.GetSession(operation);
                if (function is not { IsAsync: true } || name is null || session is null)
                {
                    continue;
                }

                var key = SessionAccess.GetSessionKey(session, types);
                if (key is null || IsLoadedBefore(operation, key, types))
                {
                    continue;
                }

                first ??= new Dictionary<IMethodSymbol, (SyntaxNode, IOperation)>(SymbolEqualityComparer.Default);
                if (!first.TryGetValue(function, out var earlier) || name.SpanStart < earlier.Name.SpanStart)
                {
                    first[function] = (name, session);
                }
            }

            if (first is null)
            {
                return;
            }

            foreach (var access in first.Values)
            {
                // A generic helper (`GetJson<Cart>`) is reported on its identifier, like every other name.
                var location = access.Name is GenericNameSyntax generic ? generic.Identifier.GetLocation() : access.Name.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AP5001SessionAccessedBeforeLoad,
                    location,
                    Display(access.Session.Syntax)));
            }
        }

        /// <summary>The member's name in a call or member access: where the diagnostic goes.</summary>
        private static SyntaxNode? MemberName(SyntaxNode syntax)
        {
            if (syntax is InvocationExpressionSyntax invocation)
            {
                syntax = invocation.Expression;
            }

            return syntax switch
            {
                MemberAccessExpressionSyntax access => access.Name,
                MemberBindingExpressionSyntax binding => binding.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
        }

        /// <summary>The session as written, for the message: <c>ctx.Session</c>, <c>_accessor.HttpContext?.Session</c>.</summary>
        private static string Display(SyntaxNode session)
        {
            if (session is MemberBindingExpressionSyntax binding)
            {
                for (var node = binding.Parent; node != null; node = node.Parent)
                {
                    if (node is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull.Span.Contains(binding.Span))
                    {
                        return Display(conditional.Expression) + "?" + binding;
                    }
                }
            }

            return session.ToString();
        }

        /// <summary>
        /// Whether <c>await &lt;same session&gt;.LoadAsync(...)</c> runs before the access on every path:
        /// as a statement earlier in a block (or switch section) that encloses the access, within the
        /// access's own function.
        /// </summary>
        private static bool IsLoadedBefore(IOperation access, string key, KnownTypes types)
        {
            var child = access;
            for (var current = access.Parent; current != null; child = current, current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return false;

                    case IBlockOperation block when LoadsBefore(block.Operations, child, key, types):
                        return true;

                    case ISwitchCaseOperation section when LoadsBefore(section.Body, child, key, types):
                        return true;
                }
            }

            return false;
        }

        private static bool LoadsBefore(ImmutableArray<IOperation> statements, IOperation? stop, string key, KnownTypes types)
        {
            foreach (var statement in statements)
            {
                if (statement == stop)
                {
                    return false;
                }

                if (IsLoad(statement, key, types))
                {
                    return true;
                }
            }

            return false;
        }

        // A statement that loads the session whenever it completes: `await s.LoadAsync(...)`, with or
        // without ConfigureAwait, also as the top-level statement of a nested block or of a try
        // without catch clauses (a failed load leaves such a try by an exception).
        private static bool IsLoad(IOperation statement, string key, KnownTypes types)
        {
            switch (statement)
            {
                case IBlockOperation block:
                    return LoadsBefore(block.Operations, null, key, types);

                case ITryOperation { Catches.IsEmpty: true } tryOperation:
                    return LoadsBefore(tryOperation.Body.Operations, null, key, types);

                case IExpressionStatementOperation { Operation: IAwaitOperation awaitOperation }:
                    var awaited = DataAccessModel.Unwrap(awaitOperation.Operation);
                    if (awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                    {
                        awaited = DataAccessModel.Unwrap(configured);
                    }

                    return awaited is IInvocationOperation load
                           && SessionAccess.Classify(load, types) == SessionMemberKind.Load
                           && SessionAccess.GetSessionKey(SessionAccess.GetSession(load), types) == key;

                default:
                    return false;
            }
        }
    }
}
