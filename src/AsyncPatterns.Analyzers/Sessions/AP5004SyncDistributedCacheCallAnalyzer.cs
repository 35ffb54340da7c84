using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Sessions
{
    /// <summary>
    /// AP5004: a synchronous <c>IDistributedCache</c> call (<c>Get</c>, <c>Set</c>, <c>Refresh</c>,
    /// <c>Remove</c>, and the <c>DistributedCacheExtensions</c> <c>GetString</c>, <c>SetString</c>,
    /// <c>Set(key, value)</c>) inside an async method, lambda or local function. A distributed cache
    /// is a network round trip; its sync methods hold a thread-pool thread for all of it
    /// (https://learn.microsoft.com/aspnet/core/performance/caching/distributed#use-the-distributed-cache).
    /// Synchronous code is left alone: it has no await to offer.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP5004SyncDistributedCacheCallAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the async counterpart's name (<c>GetStringAsync</c>).</summary>
        public const string AsyncNameProperty = "AsyncName";

        /// <summary>Diagnostic property: the counterpart's CancellationToken parameter name (<c>token</c>).</summary>
        public const string TokenParameterProperty = "TokenParameter";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP5004SyncDistributedCacheCall);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                // Session and cache rules need ASP.NET Core only, not EF Core.
                var types = KnownTypes.Create(start.Compilation);
                if (types.DistributedCache is null || types.Task is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, KnownTypes types)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var counterpart = DistributedCacheCalls.FindAsyncCounterpart(invocation, types);
            if (counterpart is null)
            {
                return;
            }

            var function = AsyncContext.GetEnclosingFunction(invocation, context.ContainingSymbol);
            if (function is not { IsAsync: true } || NameOf(invocation.Syntax) is not { } name)
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(AsyncNameProperty, counterpart.Name)
                .Add(TokenParameterProperty, counterpart.Parameters[counterpart.Parameters.Length - 1].Name);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP5004SyncDistributedCacheCall,
                name.GetLocation(),
                properties,
                invocation.TargetMethod.Name,
                AsyncContext.DescribeKind(function),
                AsyncContext.DescribeName(function),
                counterpart.Name));
        }

        private static SimpleNameSyntax? NameOf(SyntaxNode syntax) => syntax switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name,
            InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name,
            InvocationExpressionSyntax { Expression: SimpleNameSyntax simple } => simple,
            _ => null,
        };
    }
}
