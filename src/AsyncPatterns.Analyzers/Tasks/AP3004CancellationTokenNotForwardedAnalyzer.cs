using System.Collections.Concurrent;
using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tasks
{
    /// <summary>
    /// AP3004: an EF Core async call that leaves its CancellationToken at the default while a token
    /// is in scope (a parameter, <c>HttpContext.RequestAborted</c>, <c>stoppingToken</c>). EF Core
    /// passes the token down to the ADO.NET provider, which cancels the command on the server
    /// (https://learn.microsoft.com/ef/core/miscellaneous/async); without it the query runs to the
    /// end after the client is gone. An explicit <c>CancellationToken.None</c> or <c>default</c>
    /// is a decision and is not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP3004CancellationTokenNotForwardedAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The token expression to pass.</summary>
        public const string TokenProperty = "Token";

        /// <summary><see cref="ModeAppend"/>, <see cref="ModeNamed"/> or <see cref="ModeWrapParams"/>.</summary>
        public const string ModeProperty = "Mode";

        /// <summary>Add the token as the last positional argument.</summary>
        public const string ModeAppend = "Append";

        /// <summary>Add <c>name: token</c> (optional parameters before it are omitted, or arguments are named).</summary>
        public const string ModeNamed = "Named";

        /// <summary>Wrap the expanded <c>params</c> arguments into an array, then add the token (<c>FindAsync(new object[] { id }, token)</c>).</summary>
        public const string ModeWrapParams = "WrapParams";

        /// <summary>For <see cref="ModeNamed"/>: the parameter's name.</summary>
        public const string ParameterNameProperty = "ParameterName";

        /// <summary>For <see cref="ModeWrapParams"/>: the index of the first expanded <c>params</c> argument.</summary>
        public const string ParamsStartProperty = AP3002SyncEfIoInAsyncMethodAnalyzer.ParamsStartProperty;

        /// <summary>For <see cref="ModeWrapParams"/>: the array's element type as written at the call.</summary>
        public const string ParamsElementTypeProperty = AP3002SyncEfIoInAsyncMethodAnalyzer.ParamsElementTypeProperty;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP3004CancellationTokenNotForwarded);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var model = DataAccessModel.Create(start.Compilation, start.Options);
                if (model is null || model.Types.CancellationToken is null)
                {
                    return;
                }

                // The token overload of a method depends on its definition only; looking it up walks
                // the members of the method's type and its bases, so it is done once per method.
                var tokenShapes = new ConcurrentDictionary<IMethodSymbol, TokenShape>(SymbolEqualityComparer.Default);
                start.RegisterOperationAction(c => AnalyzeInvocation(c, model, tokenShapes), OperationKind.Invocation);
            });
        }

        /// <summary>Whether a method definition takes a token, and else its token overload.</summary>
        private sealed class TokenShape
        {
            private TokenShape(bool takesToken, int tokenOrdinal, bool mayTakeTokenEarlier, AsyncCounterpart? overload)
            {
                TakesToken = takesToken;
                TokenOrdinal = tokenOrdinal;
                MayTakeTokenEarlier = mayTakeTokenEarlier;
                Overload = overload;
            }

            public bool TakesToken { get; }

            /// <summary>The definition's first token parameter, when <see cref="TakesToken"/>.</summary>
            public int TokenOrdinal { get; }

            /// <summary>
            /// Whether a parameter before <see cref="TokenOrdinal"/> is typed by a type parameter, which a
            /// call can make a token too (<c>M&lt;CancellationToken&gt;(T value, CancellationToken ct)</c>):
            /// only then must a call's own parameters be read to find its first token.
            /// </summary>
            public bool MayTakeTokenEarlier { get; }

            public AsyncCounterpart? Overload { get; }

            public static TokenShape Of(IMethodSymbol definition, KnownTypes types)
            {
                if (AsyncCounterparts.GetTokenParameter(definition, types) is not { } token)
                {
                    return new TokenShape(false, -1, false, AsyncCounterparts.FindTokenOverload(definition, types));
                }

                var mayTakeTokenEarlier = false;
                foreach (var parameter in definition.Parameters)
                {
                    if (parameter.Ordinal < token.Ordinal && parameter.Type is ITypeParameterSymbol)
                    {
                        mayTakeTokenEarlier = true;
                    }
                }

                return new TokenShape(true, token.Ordinal, mayTakeTokenEarlier, null);
            }
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, DataAccessModel model, ConcurrentDictionary<IMethodSymbol, TokenShape> tokenShapes)
        {
            // This runs for every call of the compilation, so the tests go from cheapest to costliest;
            // each is a condition of the report, so their order does not change what is reported.
            // The model calls an operation async exactly when the method's name ends in "Async".
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (!method.Name.EndsWith("Async", System.StringComparison.Ordinal)
                || invocation.Syntax is not InvocationExpressionSyntax call)
            {
                return;
            }

            // Whether the method takes a token, and its token overload, depend on its definition only:
            // asking a constructed method for its parameters builds them anew, and finding an overload
            // walks the members of its type and bases. So both are looked up once per definition.
            var definition = method.Unreduced().OriginalDefinition;
            if (!tokenShapes.TryGetValue(definition, out var shape))
            {
                shape = tokenShapes.GetOrAdd(definition, TokenShape.Of(definition, model.Types));
            }

            ImmutableDictionary<string, string?>.Builder properties;
            if (shape.TakesToken)
            {
                // An explicit token, CancellationToken.None or `default` is the author's decision.
                var tokenArgument = TokenArgument(invocation, shape, model.Types);
                if (tokenArgument is null || tokenArgument.ArgumentKind != ArgumentKind.DefaultValue)
                {
                    return;
                }

                var tokenParameter = tokenArgument.Parameter!;
                var skippedBefore = false;
                foreach (var argument in invocation.Arguments)
                {
                    if (!ReferenceEquals(argument, tokenArgument)
                        && argument.ArgumentKind == ArgumentKind.DefaultValue
                        && argument.Parameter != null && argument.Parameter.Ordinal < tokenParameter.Ordinal)
                    {
                        skippedBefore = true;
                    }
                }

                var named = skippedBefore || HasNamedArgument(call);
                properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties[ModeProperty] = named ? ModeNamed : ModeAppend;
                properties[ParameterNameProperty] = tokenParameter.Name;
            }
            else
            {
                var overload = shape.Overload;
                if (overload is null)
                {
                    return;
                }

                properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties[ModeProperty] = ModeAppend;
                if (overload.WrapsParamsArray && !AddParamsWrapping(properties, invocation, call))
                {
                    return;
                }
            }

            // Classified after the token tests, which end most async calls (a token passed, no token overload).
            if (model.Classify(invocation) is null)
            {
                return;
            }

            var token = CancellationTokens.Find(invocation, context.ContainingSymbol, model.Types);
            if (token is null)
            {
                return;
            }

            properties[TokenProperty] = token.Expression;
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP3004CancellationTokenNotForwarded,
                AP3002SyncEfIoInAsyncMethodAnalyzer.NameLocation(call),
                properties.ToImmutable(),
                method.Name,
                token.Expression));
        }

        /// <summary>
        /// The call's argument for its first token parameter (a defaulted parameter has one too). The
        /// definition's ordinal names it, unless a type parameter before it may be a token in this call.
        /// </summary>
        private static IArgumentOperation? TokenArgument(IInvocationOperation invocation, TokenShape shape, KnownTypes types)
        {
            IArgumentOperation? tokenArgument = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is not { } parameter)
                {
                    continue;
                }

                if (!shape.MayTakeTokenEarlier)
                {
                    if (parameter.Ordinal == shape.TokenOrdinal)
                    {
                        return argument;
                    }

                    continue;
                }

                if (parameter.Type.IsType(types.CancellationToken)
                    && (tokenArgument is null || parameter.Ordinal < tokenArgument.Parameter!.Ordinal))
                {
                    tokenArgument = argument;
                }
            }

            return tokenArgument;
        }

        private static bool HasNamedArgument(InvocationExpressionSyntax call)
        {
            foreach (var argument in call.ArgumentList.Arguments)
            {
                if (argument.NameColon != null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The token overload takes the <c>params</c> values as one array or sequence. Arguments
        /// written one by one are wrapped; an array passed as is just gets the token after it.
        /// Returns false when the call's shape is not one the fix can rewrite.
        /// </summary>
        private static bool AddParamsWrapping(ImmutableDictionary<string, string?>.Builder properties, IInvocationOperation invocation, InvocationExpressionSyntax call)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.ParamArray)
                {
                    continue;
                }

                if (argument.Parameter?.Type is not IArrayTypeSymbol arrayType
                    || argument.Value is not IArrayCreationOperation { Initializer: { } initializer }
                    || invocation.SemanticModel is null)
                {
                    return false;
                }

                if (initializer.ElementValues.Length == 0)
                {
                    // FindAsync() with no key values: nothing sensible to wrap.
                    return false;
                }

                var first = initializer.ElementValues[0].Syntax.Parent as ArgumentSyntax;
                var index = first is null ? -1 : call.ArgumentList.Arguments.IndexOf(first);
                if (index < 0)
                {
                    return false;
                }

                properties[ModeProperty] = ModeWrapParams;
                properties[ParamsStartProperty] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                properties[ParamsElementTypeProperty] = arrayType.ElementType
                    .WithNullableAnnotation(NullableAnnotation.NotAnnotated)
                    .ToMinimalDisplayString(invocation.SemanticModel, call.SpanStart);
                return true;
            }

            return true;
        }
    }
}
