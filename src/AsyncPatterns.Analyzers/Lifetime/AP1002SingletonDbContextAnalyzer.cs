using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Lifetime
{
    /// <summary>
    /// AP1002: a DbContext registered with a singleton lifetime. One instance then serves every
    /// request at once, which EF Core does not support
    /// (https://learn.microsoft.com/ef/core/dbcontext-configuration/#avoiding-dbcontext-threading-issues).
    /// A singleton <em>options</em> lifetime (<c>optionsLifetime</c>) is fine and is not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP1002SingletonDbContextAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: which fixes apply (<see cref="FixScoped"/>, <see cref="FixScopedOrFactory"/>, or absent).</summary>
        public const string FixProperty = "Fix";

        /// <summary>Change the lifetime to scoped (method name or lifetime argument).</summary>
        public const string FixScoped = "Scoped";

        /// <summary>AddDbContext: scoped lifetime, or AddDbContextFactory.</summary>
        public const string FixScopedOrFactory = "ScopedOrFactory";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP1002SingletonDbContext);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var model = DataAccessModel.Create(start.Compilation, start.Options);
                if (model is null || model.Types.ServiceLifetime is null)
                {
                    return;
                }

                var registrations = new ServiceRegistrations(model.Types);
                start.RegisterOperationAction(
                    operationContext => Analyze(operationContext, model, registrations),
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, DataAccessModel model, ServiceRegistrations registrations)
        {
            if (!registrations.TryGetRegistration(context.Operation, out var registration)
                || registration.Lifetime != RegistrationLifetime.Singleton
                || registration.Kind == RegistrationKind.DbContextFactory)
            {
                return;
            }

            var contextType = model.IsDbContextType(registration.ImplementationType)
                ? registration.ImplementationType
                : model.IsDbContextType(registration.ServiceType) ? registration.ServiceType : null;
            if (contextType is null)
            {
                return;
            }

            string? fix;
            string remedy;
            if (registration.Kind == RegistrationKind.DbContext)
            {
                fix = FixScopedOrFactory;
                remedy = "register it as scoped (the default), or use AddDbContextFactory";
            }
            else if (registration.ImplementationInstance is not null)
            {
                // A registered instance has no scoped counterpart: the registration has to change shape.
                fix = null;
                remedy = "register it with AddDbContext so that each scope creates its own";
            }
            else
            {
                fix = registration.LifetimeArgument is not null || registration.Kind != RegistrationKind.Descriptor || registration.Operation is IInvocationOperation
                    ? FixScoped
                    : null;
                remedy = "register it as scoped";
            }

            var location = registration.LifetimeArgument is { } lifetimeArgument
                ? lifetimeArgument.Value.Syntax.GetLocation()
                : registration.GetNameLocation();
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (fix is not null)
            {
                properties = properties.Add(FixProperty, fix);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP1002SingletonDbContext,
                location,
                properties,
                contextType.MinimalName(),
                remedy));
        }
    }
}
