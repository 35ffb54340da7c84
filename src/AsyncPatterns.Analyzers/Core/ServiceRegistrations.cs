using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>The lifetime of a DI registration, as far as the code says it.</summary>
    internal enum RegistrationLifetime
    {
        /// <summary>A lifetime the code computes at run time (<c>new ServiceDescriptor(t, i, lifetime)</c>).</summary>
        Unknown,
        Singleton,
        Scoped,
        Transient,
    }

    /// <summary>Which API made the registration.</summary>
    internal enum RegistrationKind
    {
        /// <summary><c>AddSingleton</c>/<c>AddScoped</c>/<c>AddTransient</c> and their keyed forms.</summary>
        Add,

        /// <summary><c>TryAddSingleton</c>/<c>TryAddScoped</c>/<c>TryAddTransient</c> and their keyed forms.</summary>
        TryAdd,

        /// <summary><c>new ServiceDescriptor(...)</c>, <c>ServiceDescriptor.Singleton(...)</c>, <c>ServiceDescriptor.Describe(...)</c>.</summary>
        Descriptor,

        /// <summary><c>AddHostedService&lt;T&gt;()</c>.</summary>
        HostedService,

        /// <summary>EF Core's <c>AddDbContext</c>: the context's lifetime is its <c>contextLifetime</c> argument.</summary>
        DbContext,

        /// <summary>EF Core's <c>AddDbContextPool</c>: always scoped.</summary>
        DbContextPool,

        /// <summary>EF Core's <c>AddDbContextFactory</c>/<c>AddPooledDbContextFactory</c>: the service is <c>IDbContextFactory&lt;T&gt;</c>.</summary>
        DbContextFactory,
    }

    /// <summary>One service registration: what is registered, as what, for how long.</summary>
    internal sealed class ServiceRegistration
    {
        public ServiceRegistration(
            IOperation operation,
            RegistrationKind kind,
            RegistrationLifetime lifetime,
            ITypeSymbol? serviceType,
            ITypeSymbol? implementationType,
            bool isHostedService,
            bool isKeyed,
            IArgumentOperation? lifetimeArgument,
            IOperation? implementationFactory,
            IOperation? implementationInstance)
        {
            Operation = operation;
            Kind = kind;
            Lifetime = lifetime;
            ServiceType = serviceType;
            ImplementationType = implementationType;
            IsHostedService = isHostedService;
            IsKeyed = isKeyed;
            LifetimeArgument = lifetimeArgument;
            ImplementationFactory = implementationFactory;
            ImplementationInstance = implementationInstance;
        }

        /// <summary>The registering invocation, or the <c>new ServiceDescriptor(...)</c> creation.</summary>
        public IOperation Operation { get; }

        public RegistrationKind Kind { get; }

        public RegistrationLifetime Lifetime { get; }

        /// <summary>The type consumers ask for; <c>null</c> when the code does not say (a <c>Type</c> variable).</summary>
        public ITypeSymbol? ServiceType { get; }

        /// <summary>
        /// The type the container creates or holds: the implementation type argument or <c>typeof</c>,
        /// the type a factory lambda returns, the type of a registered instance; <c>null</c> when unknown.
        /// Equal to <see cref="ServiceType"/> for <c>AddSingleton&lt;T&gt;()</c>.
        /// </summary>
        public ITypeSymbol? ImplementationType { get; }

        /// <summary><c>AddHostedService&lt;T&gt;()</c>, or any registration whose service type is <c>IHostedService</c>.</summary>
        public bool IsHostedService { get; }

        public bool IsKeyed { get; }

        /// <summary>The explicit <c>ServiceLifetime</c> argument (<c>contextLifetime</c> for AddDbContext); <c>null</c> when the lifetime comes from the method name or a default.</summary>
        public IArgumentOperation? LifetimeArgument { get; }

        /// <summary>The factory delegate argument (<c>sp =&gt; new Foo(...)</c>), when there is one.</summary>
        public IOperation? ImplementationFactory { get; }

        /// <summary>The registered instance argument (<c>AddSingleton(new Foo())</c>), when there is one.</summary>
        public IOperation? ImplementationInstance { get; }

        /// <summary>
        /// Where a rule reports on the registration: the method name of the call
        /// (<c>AddSingleton</c> in <c>services.AddSingleton&lt;T&gt;()</c>), or the type of a
        /// <c>new ServiceDescriptor(...)</c>.
        /// </summary>
        public Location GetNameLocation()
        {
            var syntax = Operation.Syntax;
            switch (syntax)
            {
                case InvocationExpressionSyntax invocation:
                    var name = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax access => access.Name,
                        MemberBindingExpressionSyntax binding => binding.Name,
                        SimpleNameSyntax simple => simple,
                        _ => null,
                    };
                    return name is GenericNameSyntax generic
                        ? generic.Identifier.GetLocation()
                        : (name ?? invocation.Expression).GetLocation();
                case ObjectCreationExpressionSyntax creation:
                    return creation.Type.GetLocation();
                default:
                    return syntax.GetLocation();
            }
        }
    }

    /// <summary>
    /// Recognizes Microsoft.Extensions.DependencyInjection registrations: the extension methods on
    /// <c>IServiceCollection</c> (<c>Add*</c>, <c>TryAdd*</c>, keyed forms, <c>AddHostedService</c>),
    /// <c>ServiceDescriptor</c> creations, and EF Core's context registrations. A descriptor passed to
    /// <c>services.Add(...)</c> is recognized where it is created (the creation is the registration),
    /// so a rule that visits invocations and object creations sees each registration once.
    /// </summary>
    internal sealed class ServiceRegistrations
    {
        // Microsoft.Extensions.DependencyInjection.ServiceLifetime's values.
        private const int SingletonValue = 0;
        private const int ScopedValue = 1;
        private const int TransientValue = 2;

        public ServiceRegistrations(KnownTypes types)
        {
            Types = types;
        }

        public KnownTypes Types { get; }

        /// <summary>An invocation or a <c>new ServiceDescriptor(...)</c>.</summary>
        public bool TryGetRegistration(IOperation? operation, out ServiceRegistration registration)
        {
            // By kind: every call and creation of the compilation asks.
            switch (operation?.Kind)
            {
                case OperationKind.Invocation:
                    return TryGetRegistration((IInvocationOperation)operation!, out registration);
                case OperationKind.ObjectCreation:
                    return TryGetRegistration((IObjectCreationOperation)operation!, out registration);
                default:
                    registration = null!;
                    return false;
            }
        }

        public bool TryGetRegistration(IInvocationOperation? invocation, out ServiceRegistration registration)
        {
            registration = null!;
            var method = invocation?.TargetMethod.Unreduced();

            // Every registration API is static (extension methods, ServiceDescriptor's factories):
            // the instance calls that make up most of a code base stop here, and LINQ's and the
            // other static calls at the name of their class, before any symbol comparison. Each
            // symbol property read is an interface call and a cast: each is read once.
            if (invocation is null || method is null || !method.IsStatic || method.ContainingType is not { } containingType
                || !IsRegistrationClassName(containingType.Name))
            {
                return false;
            }

            var name = method.Name;
            if (method.IsContainedIn(Types.ServiceCollectionServiceExtensions))
            {
                return TryFromNamedLifetime(invocation, method, name, "Add", RegistrationKind.Add, out registration);
            }

            if (method.IsContainedIn(Types.ServiceCollectionDescriptorExtensions))
            {
                return TryFromNamedLifetime(invocation, method, name, "TryAdd", RegistrationKind.TryAdd, out registration);
            }

            if (method.IsContainedIn(Types.ServiceDescriptor) && method.IsStatic)
            {
                return TryFromDescriptorFactory(invocation, method, name, out registration);
            }

            if (method.IsContainedIn(Types.ServiceCollectionHostedServiceExtensions) && name == "AddHostedService")
            {
                var hosted = method.TypeArguments.Length == 1 ? method.TypeArguments[0] : null;
                registration = new ServiceRegistration(
                    invocation,
                    RegistrationKind.HostedService,
                    RegistrationLifetime.Singleton,
                    (ITypeSymbol?)Types.HostedService ?? hosted,
                    hosted,
                    isHostedService: true,
                    isKeyed: false,
                    lifetimeArgument: null,
                    implementationFactory: FindArgument(invocation, IsDelegateParameter)?.Value,
                    implementationInstance: null);
                return true;
            }

            if (method.IsContainedIn(Types.EntityFrameworkServiceCollectionExtensions))
            {
                return TryFromEntityFramework(invocation, method, name, out registration);
            }

            return false;
        }

        /// <summary>The names of the classes <see cref="TryGetRegistration(IInvocationOperation?, out ServiceRegistration)"/> reads.</summary>
        private static bool IsRegistrationClassName(string name) => name switch
        {
            "ServiceCollectionServiceExtensions" or "ServiceCollectionDescriptorExtensions" or "ServiceDescriptor"
                or "ServiceCollectionHostedServiceExtensions" or "EntityFrameworkServiceCollectionExtensions" => true,
            _ => false,
        };

        public bool TryGetRegistration(IObjectCreationOperation? creation, out ServiceRegistration registration)
        {
            registration = null!;
            var constructor = creation?.Constructor;
            if (creation is null || constructor is null || !constructor.IsContainedIn(Types.ServiceDescriptor))
            {
                return false;
            }

            var lifetimeArgument = FindArgument(creation.Arguments, IsLifetimeParameter);

            // The instance constructors have no lifetime parameter: an instance is always a singleton.
            var lifetime = lifetimeArgument is null ? RegistrationLifetime.Singleton : LifetimeOf(lifetimeArgument.Value);
            registration = FromArguments(creation, creation.Arguments, RegistrationKind.Descriptor, lifetime, lifetimeArgument, null);
            return true;
        }

        /// <summary>Reads a <c>ServiceLifetime</c> value: a constant, or <see cref="RegistrationLifetime.Unknown"/>.</summary>
        public static RegistrationLifetime LifetimeOf(IOperation? value)
        {
            if (value is null)
            {
                return RegistrationLifetime.Unknown;
            }

            var constant = value.ConstantValue;
            if (!constant.HasValue)
            {
                constant = DataAccessModel.Unwrap(value).ConstantValue;
            }

            if (!constant.HasValue || constant.Value is null)
            {
                return RegistrationLifetime.Unknown;
            }

            try
            {
                return System.Convert.ToInt32(constant.Value, System.Globalization.CultureInfo.InvariantCulture) switch
                {
                    SingletonValue => RegistrationLifetime.Singleton,
                    ScopedValue => RegistrationLifetime.Scoped,
                    TransientValue => RegistrationLifetime.Transient,
                    _ => RegistrationLifetime.Unknown,
                };
            }
            catch (System.Exception ex) when (ex is System.FormatException || ex is System.InvalidCastException || ex is System.OverflowException)
            {
                return RegistrationLifetime.Unknown;
            }
        }

        private static RegistrationLifetime LifetimeFromName(string suffix) => suffix switch
        {
            "Singleton" => RegistrationLifetime.Singleton,
            "Scoped" => RegistrationLifetime.Scoped,
            "Transient" => RegistrationLifetime.Transient,
            _ => RegistrationLifetime.Unknown,
        };

        /// <summary><c>AddSingleton</c>, <c>AddKeyedScoped</c>, <c>TryAddTransient</c>, <c>TryAddKeyedSingleton</c>...</summary>
        private bool TryFromNamedLifetime(
            IInvocationOperation invocation,
            IMethodSymbol method,
            string name,
            string prefix,
            RegistrationKind kind,
            out ServiceRegistration registration)
        {
            registration = null!;
            if (!name.StartsWith(prefix, System.StringComparison.Ordinal))
            {
                return false;
            }

            var rest = name.Substring(prefix.Length);
            var isKeyed = rest.StartsWith("Keyed", System.StringComparison.Ordinal);
            if (isKeyed)
            {
                rest = rest.Substring("Keyed".Length);
            }

            var lifetime = LifetimeFromName(rest);
            if (lifetime == RegistrationLifetime.Unknown)
            {
                // services.Add(descriptor), TryAdd(descriptor), TryAddEnumerable(...): the descriptor's creation is the registration.
                return false;
            }

            registration = FromArguments(invocation, invocation.Arguments, kind, lifetime, null, method, isKeyed);
            return true;
        }

        /// <summary><c>ServiceDescriptor.Singleton&lt;TService, TImpl&gt;()</c>, <c>ServiceDescriptor.KeyedScoped(...)</c>, <c>ServiceDescriptor.Describe(...)</c>.</summary>
        private bool TryFromDescriptorFactory(IInvocationOperation invocation, IMethodSymbol method, string name, out ServiceRegistration registration)
        {
            registration = null!;
            if (method.ReturnType is not INamedTypeSymbol returned || !returned.IsType(Types.ServiceDescriptor))
            {
                return false;
            }

            var rest = name;
            var isKeyed = false;
            if (rest.StartsWith("Keyed", System.StringComparison.Ordinal))
            {
                isKeyed = true;
                rest = rest.Substring("Keyed".Length);
            }
            else if (rest.StartsWith("DescribeKeyed", System.StringComparison.Ordinal))
            {
                isKeyed = true;
                rest = "Describe";
            }

            IArgumentOperation? lifetimeArgument = null;
            RegistrationLifetime lifetime;
            if (rest == "Describe")
            {
                lifetimeArgument = FindArgument(invocation.Arguments, IsLifetimeParameter);
                lifetime = LifetimeOf(lifetimeArgument?.Value);
            }
            else
            {
                lifetime = LifetimeFromName(rest);
                if (lifetime == RegistrationLifetime.Unknown)
                {
                    return false;
                }
            }

            registration = FromArguments(invocation, invocation.Arguments, RegistrationKind.Descriptor, lifetime, lifetimeArgument, method, isKeyed);
            return true;
        }

        private bool TryFromEntityFramework(IInvocationOperation invocation, IMethodSymbol method, string name, out ServiceRegistration registration)
        {
            registration = null!;
            var typeArguments = method.TypeArguments;
            if (typeArguments.Length == 0)
            {
                return false;
            }

            var service = typeArguments[0];
            var implementation = typeArguments[typeArguments.Length - 1];
            switch (name)
            {
                case "AddDbContext":
                {
                    // Both contextLifetime and optionsLifetime are ServiceLifetime: only the name tells them apart.
                    var argument = FindArgument(invocation, p => p.Name == "contextLifetime");
                    var explicitArgument = argument is { ArgumentKind: ArgumentKind.Explicit } ? argument : null;
                    var lifetime = argument is null ? RegistrationLifetime.Scoped : LifetimeOf(argument.Value);
                    registration = new ServiceRegistration(
                        invocation, RegistrationKind.DbContext, lifetime, service, implementation,
                        isHostedService: false, isKeyed: false, explicitArgument, implementationFactory: null, implementationInstance: null);
                    return true;
                }

                case "AddDbContextPool":
                    registration = new ServiceRegistration(
                        invocation, RegistrationKind.DbContextPool, RegistrationLifetime.Scoped, service, implementation,
                        isHostedService: false, isKeyed: false, lifetimeArgument: null, implementationFactory: null, implementationInstance: null);
                    return true;

                case "AddDbContextFactory":
                case "AddPooledDbContextFactory":
                {
                    var argument = name == "AddDbContextFactory" ? FindArgument(invocation, p => p.Name == "lifetime") : null;
                    var explicitArgument = argument is { ArgumentKind: ArgumentKind.Explicit } ? argument : null;
                    var lifetime = argument is null ? RegistrationLifetime.Singleton : LifetimeOf(argument.Value);
                    var factoryType = Types.DbContextFactory is { } factory && implementation is not IErrorTypeSymbol
                        ? factory.Construct(implementation)
                        : null;
                    registration = new ServiceRegistration(
                        invocation, RegistrationKind.DbContextFactory, lifetime, factoryType, implementation,
                        isHostedService: false, isKeyed: false, explicitArgument, implementationFactory: null, implementationInstance: null);
                    return true;
                }

                default:
                    return false;
            }
        }

        /// <summary>
        /// Service and implementation types from type arguments, <c>typeof</c> arguments, a factory's
        /// returned expression or an instance's type. Parameters are told apart by type and name,
        /// which every overload of the DI abstractions keeps consistent.
        /// </summary>
        private ServiceRegistration FromArguments(
            IOperation operation,
            System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments,
            RegistrationKind kind,
            RegistrationLifetime lifetime,
            IArgumentOperation? lifetimeArgument,
            IMethodSymbol? method,
            bool isKeyed = false)
        {
            ITypeSymbol? service = null;
            ITypeSymbol? implementation = null;
            if (method is { TypeArguments.Length: > 0 })
            {
                service = method.TypeArguments[0];
                if (method.TypeArguments.Length > 1)
                {
                    implementation = method.TypeArguments[1];
                }
            }

            IOperation? factory = null;
            IOperation? instance = null;
            foreach (var argument in arguments)
            {
                var parameter = argument.Parameter;
                if (parameter is null || argument.ArgumentKind != ArgumentKind.Explicit)
                {
                    continue;
                }

                if (parameter.Name == "serviceKey" || parameter.Ordinal == 0 && method is { IsExtensionMethod: true })
                {
                    continue;
                }

                if (IsSystemType(parameter.Type))
                {
                    var type = TypeOfOperand(argument.Value);
                    // serviceType / service, then implementationType.
                    if (parameter.Name.StartsWith("implementation", System.StringComparison.Ordinal))
                    {
                        implementation = type;
                    }
                    else
                    {
                        service = type;
                    }
                }
                else if (IsDelegateParameter(parameter))
                {
                    factory = argument.Value;
                    implementation ??= FactoryReturnType(argument.Value);
                }
                else if (!IsLifetimeParameter(parameter))
                {
                    // implementationInstance / instance.
                    instance = argument.Value;
                    var instanceType = DataAccessModel.Unwrap(argument.Value).Type;
                    if (instanceType is not null && instanceType.SpecialType != SpecialType.System_Object)
                    {
                        implementation ??= instanceType;
                    }
                }
            }

            if (implementation is null && factory is null && instance is null)
            {
                // AddSingleton<T>(), AddSingleton(typeof(T)), ServiceDescriptor.Singleton<T>(...) with one type.
                implementation = service;
            }

            isKeyed = isKeyed || arguments.Any(a => a.Parameter?.Name == "serviceKey");
            var isHosted = service.IsType(Types.HostedService);
            return new ServiceRegistration(operation, kind, lifetime, service, implementation, isHosted, isKeyed, lifetimeArgument, factory, instance);
        }

        private bool IsLifetimeParameter(IParameterSymbol parameter) => parameter.Type.IsType(Types.ServiceLifetime);

        private static bool IsDelegateParameter(IParameterSymbol parameter) => parameter.Type.TypeKind == TypeKind.Delegate;

        private static bool IsSystemType(ITypeSymbol type)
            => type.Name == "Type" && type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

        private static ITypeSymbol? TypeOfOperand(IOperation value)
            => DataAccessModel.Unwrap(value) is ITypeOfOperation typeOf ? typeOf.TypeOperand : null;

        /// <summary>The type a factory lambda returns: its returned expressions' type when they all agree.</summary>
        private static ITypeSymbol? FactoryReturnType(IOperation value)
        {
            var unwrapped = DataAccessModel.Unwrap(value);
            if (unwrapped is IDelegateCreationOperation creation)
            {
                unwrapped = creation.Target;
            }

            if (unwrapped is not IAnonymousFunctionOperation lambda)
            {
                return null;
            }

            ITypeSymbol? result = null;
            foreach (var returned in lambda.Body.Descendants().OfType<IReturnOperation>())
            {
                if (returned.ReturnedValue is null || !ReferenceEquals(OperationTrees.EnclosingFunction(returned), lambda))
                {
                    continue;
                }

                var type = DataAccessModel.Unwrap(returned.ReturnedValue).Type;
                if (type is null || (result is not null && !SymbolEqualityComparer.Default.Equals(result, type)))
                {
                    return null;
                }

                result = type;
            }

            return result;
        }

        private static IArgumentOperation? FindArgument(IInvocationOperation invocation, System.Func<IParameterSymbol, bool> predicate)
            => FindArgument(invocation.Arguments, predicate);

        private static IArgumentOperation? FindArgument(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, System.Func<IParameterSymbol, bool> predicate)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { } parameter && predicate(parameter))
                {
                    return argument;
                }
            }

            return null;
        }
    }
}
