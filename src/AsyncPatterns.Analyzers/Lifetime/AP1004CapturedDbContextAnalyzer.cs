using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Lifetime
{
    /// <summary>
    /// AP1004: a DbContext (registered scoped by AddDbContext) taken in the constructor of a
    /// component that lives longer than a scope: a singleton, a hosted service, a conventional
    /// middleware. The container either refuses it (scope validation, in Development) or hands
    /// the component one context for the life of the process.
    /// https://learn.microsoft.com/dotnet/core/extensions/dependency-injection-guidelines
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP1004CapturedDbContextAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Property key: which fix applies (<see cref="KindFactory"/> or <see cref="KindMiddleware"/>).</summary>
        public const string KindProperty = "Kind";

        /// <summary>Property key: the name of the middleware's Invoke/InvokeAsync method.</summary>
        public const string InvokeMethodProperty = "InvokeMethod";

        public const string KindFactory = "Factory";
        public const string KindMiddleware = "Middleware";

        internal const string Singleton = "singleton";
        internal const string HostedService = "hosted service";
        internal const string MiddlewareComponent = "middleware";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP1004CapturedDbContext);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var model = DataAccessModel.Create(start.Compilation, start.Options);
                if (model is null)
                {
                    return;
                }

                start.RegisterSymbolAction(c => AnalyzeType(c, model), SymbolKind.NamedType);
                var registrations = new ServiceRegistrations(model.Types);
                start.RegisterOperationAction(c => AnalyzeRegistration(c, model, registrations), OperationKind.Invocation, OperationKind.ObjectCreation);
            });
        }

        private static void AnalyzeType(SymbolAnalysisContext context, DataAccessModel model)
        {
            // Every class of the compilation comes here, and only a constructor that takes a
            // context is ever reported: that test comes before the base types and interfaces.
            if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || !TakesContext(type, model))
            {
                return;
            }

            var types = model.Types;
            string component;
            ImmutableDictionary<string, string?> properties;
            if (type.InheritsFromOrEquals(types.BackgroundService) || type.Implements(types.HostedService))
            {
                component = HostedService;
                properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, KindFactory);
            }
            else if (GetMiddlewareInvokeMethod(type, types) is { } invoke)
            {
                component = MiddlewareComponent;
                properties = ImmutableDictionary<string, string?>.Empty
                    .Add(KindProperty, KindMiddleware)
                    .Add(InvokeMethodProperty, invoke.Name);
            }
            else
            {
                return;
            }

            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.IsImplicitlyDeclared || constructor.DeclaredAccessibility != Accessibility.Public)
                {
                    continue;
                }

                foreach (var parameter in constructor.Parameters)
                {
                    if (!model.IsDbContextType(parameter.Type))
                    {
                        continue;
                    }

                    // A partial type's constructor may be declared in its generated part.
                    var location = GetParameterLocation(parameter);
                    if (location?.SourceTree is null || GeneratedCode.IsGeneratedFile(location.SourceTree, context.Compilation, context.CancellationToken))
                    {
                        continue;
                    }

                    var remedy = component == MiddlewareComponent
                        ? $"take it as a parameter of {properties[InvokeMethodProperty]} instead"
                        : FactoryRemedy(parameter.Type);
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.AP1004CapturedDbContext,
                        location,
                        properties,
                        parameter.Name,
                        component,
                        type.Name,
                        remedy));
                }
            }
        }

        /// <summary>
        /// A conventional middleware: constructed once by UseMiddleware with the next
        /// <c>RequestDelegate</c>, invoked per request through a public Invoke/InvokeAsync whose first
        /// parameter is the HttpContext. An <c>IMiddleware</c> is resolved from the request's scope instead.
        /// https://learn.microsoft.com/aspnet/core/fundamentals/middleware/write#per-request-middleware-dependencies
        /// </summary>
        private static bool TakesContext(INamedTypeSymbol type, DataAccessModel model)
        {
            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.IsImplicitlyDeclared || constructor.DeclaredAccessibility != Accessibility.Public)
                {
                    continue;
                }

                foreach (var parameter in constructor.Parameters)
                {
                    if (model.IsDbContextType(parameter.Type))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        internal static IMethodSymbol? GetMiddlewareInvokeMethod(INamedTypeSymbol type, KnownTypes types)
        {
            if (types.RequestDelegate is null || types.HttpContext is null || type.Implements(types.Middleware))
            {
                return null;
            }

            var takesNext = type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.Type.IsType(types.RequestDelegate)));
            if (!takesNext)
            {
                return null;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, MethodKind: MethodKind.Ordinary } method
                    && (method.Name == "Invoke" || method.Name == "InvokeAsync")
                    && method.Parameters.Length > 0
                    && method.Parameters[0].Type.IsType(types.HttpContext))
                {
                    return method;
                }
            }

            return null;
        }

        private static void AnalyzeRegistration(OperationAnalysisContext context, DataAccessModel model, ServiceRegistrations registrations)
        {
            if (!registrations.TryGetRegistration(context.Operation, out var registration)
                || registration.Lifetime != RegistrationLifetime.Singleton
                || registration.ImplementationInstance != null
                || registration.Kind is RegistrationKind.DbContext or RegistrationKind.DbContextPool or RegistrationKind.DbContextFactory)
            {
                return;
            }

            var component = registration.IsHostedService ? HostedService : Singleton;
            var nameLocation = registration.GetNameLocation();
            if (registration.ImplementationFactory != null)
            {
                AnalyzeFactory(context, model, registration, component, nameLocation);
                return;
            }

            if (registration.ImplementationType is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } implementation
                || model.IsDbContextType(implementation))
            {
                return;
            }

            var parameter = FindContextParameter(implementation, model);
            if (parameter is null)
            {
                return;
            }

            // The fix edits the class, wherever it is declared: pass its parameter along.
            var parameterLocation = GetParameterLocation(parameter);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP1004CapturedDbContext,
                nameLocation,
                parameterLocation is null ? null : new[] { parameterLocation },
                ImmutableDictionary<string, string?>.Empty.Add(KindProperty, KindFactory),
                parameter.Name,
                component,
                implementation.Name,
                FactoryRemedy(parameter.Type)));
        }

        /// <summary>
        /// <c>AddSingleton(sp =&gt; new Foo(sp.GetRequiredService&lt;ShopContext&gt;()))</c>: the lambda runs
        /// once, on the root provider, and the context it resolves there lives as long as the singleton.
        /// A lambda that creates a scope first is the correct pattern and stays silent.
        /// </summary>
        private static void AnalyzeFactory(OperationAnalysisContext context, DataAccessModel model, ServiceRegistration registration, string component, Location nameLocation)
        {
            var factory = UnwrapLambda(registration.ImplementationFactory!);
            if (factory is null)
            {
                return;
            }

            foreach (var resolution in factory.Body.Descendants().OfType<IInvocationOperation>())
            {
                if (!IsResolutionFromProvider(resolution, factory, model))
                {
                    continue;
                }

                // Name the constructor parameter that receives it, when the lambda creates the component in place.
                var name = resolution.Type!.Name;
                var owner = (registration.ImplementationType ?? registration.ServiceType ?? resolution.Type)!.Name;
                if (Unwrap(resolution.Parent) is IArgumentOperation { Parameter: { } target, Parent: IObjectCreationOperation creation })
                {
                    name = target.Name;
                    owner = creation.Type?.Name ?? owner;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.AP1004CapturedDbContext,
                    nameLocation,
                    name,
                    component,
                    owner,
                    FactoryRemedy(resolution.Type!)));
                return;
            }
        }

        private static IOperation? Unwrap(IOperation? operation)
        {
            while (operation is IConversionOperation or IParenthesizedOperation)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        private static bool IsResolutionFromProvider(IInvocationOperation resolution, IAnonymousFunctionOperation factory, DataAccessModel model)
        {
            var method = resolution.TargetMethod.Unreduced();
            if (!(method.IsContainedIn(model.Types.ServiceProviderServiceExtensions) || method.IsContainedIn(model.Types.ServiceProviderKeyedServiceExtensions))
                || !method.Name.StartsWith("Get", System.StringComparison.Ordinal)
                || !model.IsDbContextType(resolution.Type))
            {
                return false;
            }

            return DataAccessModel.GetReceiver(resolution) is { } receiver
                   && DataAccessModel.Unwrap(receiver) is IParameterReferenceOperation parameter
                   && factory.Symbol.Parameters.Length > 0
                   && SymbolEqualityComparer.Default.Equals(parameter.Parameter, factory.Symbol.Parameters[0]);
        }

        /// <summary>The first context parameter of a public constructor: DI may pick any of them.</summary>
        private static IParameterSymbol? FindContextParameter(INamedTypeSymbol implementation, DataAccessModel model)
        {
            foreach (var constructor in implementation.InstanceConstructors)
            {
                if (constructor.DeclaredAccessibility != Accessibility.Public)
                {
                    continue;
                }

                foreach (var parameter in constructor.Parameters)
                {
                    if (model.IsDbContextType(parameter.Type))
                    {
                        return parameter;
                    }
                }
            }

            return null;
        }

        private static string FactoryRemedy(ITypeSymbol contextType)
            => $"take IDbContextFactory<{contextType.MinimalName()}> instead";

        private static Location? GetParameterLocation(IParameterSymbol parameter)
        {
            foreach (var reference in parameter.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is ParameterSyntax syntax)
                {
                    return syntax.Identifier.GetLocation();
                }
            }

            return null;
        }

        private static IAnonymousFunctionOperation? UnwrapLambda(IOperation value)
        {
            var current = value;
            for (var depth = 0; current != null && depth < 4; depth++)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation lambda:
                        return lambda;
                    case IDelegateCreationOperation creation:
                        current = creation.Target;
                        break;
                    case IConversionOperation conversion:
                        current = conversion.Operand;
                        break;
                    default:
                        return null;
                }
            }

            return null;
        }
    }
}
