using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// What every rule reads: which types are contexts, which context instance an expression
    /// uses, which expressions are EF queries, and what an invocation does to the database.
    /// One instance per compilation (created at compilation start); its caches are per
    /// compilation too, so nothing outlives the compilation.
    /// </summary>
    internal sealed class DataAccessModel
    {
        // Bounds the walks through receiver chains and local aliases; real chains are short, and
        // half-typed code can produce cycles (`var a = b; var b = a;`).
        private const int MaxWalkDepth = 32;

        private static readonly ImmutableHashSet<string> SyncTerminalOperators = ImmutableHashSet.Create(
            "ToList", "ToArray", "ToDictionary", "ToHashSet", "ToLookup",
            "First", "FirstOrDefault", "Single", "SingleOrDefault", "Last", "LastOrDefault",
            "Count", "LongCount", "Any", "All", "Min", "Max", "MinBy", "MaxBy", "Sum", "Average",
            "Contains", "ElementAt", "ElementAtOrDefault", "Aggregate", "SequenceEqual");

        private const string ChangeTrackingNamespace = "Microsoft.EntityFrameworkCore.ChangeTracking";

        private static readonly ImmutableHashSet<string> ChangeTrackingMethods = ImmutableHashSet.Create(
            "Add", "AddAsync", "AddRange", "AddRangeAsync", "Attach", "AttachRange",
            "Update", "UpdateRange", "Remove", "RemoveRange");

        /// <summary>
        /// Stands, in <see cref="_methodKinds"/>, for a LINQ terminal operator (<c>ToList</c>,
        /// <c>First</c>...) that runs an EF query only when its receiver is one.
        /// </summary>
        private const DataAccessKind QueryExecutionIfEfReceiver = (DataAccessKind)(-1);

        private readonly ConcurrentDictionary<ISymbol, bool> _injectedMembers =
            new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

        // What a method does, by its definition: Classify runs for every invocation of the
        // compilation in most rules, and a code base calls the same few hundred methods again and again.
        private readonly ConcurrentDictionary<IMethodSymbol, DataAccessKind> _methodKinds =
            new ConcurrentDictionary<IMethodSymbol, DataAccessKind>(SymbolEqualityComparer.Default);

        // Whether a named type is a context or a DbSet, by its definition: asked of the type of most
        // returned values, arguments, creations and receivers, where the answer is a walk up the
        // base types (and through the configured context types).
        private readonly ConcurrentDictionary<ITypeSymbol, TypeRole> _typeRoles =
            new ConcurrentDictionary<ITypeSymbol, TypeRole>(SymbolEqualityComparer.Default);

        // The members of a type and its bases that hold a context factory (ContextFactories): asked at
        // each report that names a factory, and a controller's bases have hundreds of members.
        private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<ISymbol>> _factoryMembers =
            new ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<ISymbol>>(SymbolEqualityComparer.Default);

        [System.Flags]
        private enum TypeRole : byte
        {
            None = 0,
            Context = 1,
            DbSet = 2,
        }

        private DataAccessModel(KnownTypes types, ImmutableArray<INamedTypeSymbol> configuredContextTypes)
        {
            Types = types;
            ConfiguredContextTypes = configuredContextTypes;
        }

        public KnownTypes Types { get; }

        /// <summary>The types of <c>async_patterns.dbcontext_types</c> that the compilation defines:
        /// the user's own context base classes or interfaces, treated as contexts.</summary>
        public ImmutableArray<INamedTypeSymbol> ConfiguredContextTypes { get; }

        /// <summary>
        /// Returns <c>null</c> when the compilation does not reference EF Core: rules then register
        /// nothing (configured context types alone do not enable the EF rules). With
        /// <paramref name="options"/>, <c>async_patterns.dbcontext_types</c> adds context types.
        /// </summary>
        public static DataAccessModel? Create(Compilation compilation, AnalyzerOptions? options = null)
        {
            var types = KnownTypes.Create(compilation);
            if (types.DbContext is null)
            {
                return null;
            }

            var configured = TreeOptions.ReadDbContextTypes(options, compilation).Resolve(compilation);
            return new DataAccessModel(types, configured);
        }

        /// <summary>Any DbContext subclass, and a type parameter constrained to one (<c>TContext : DbContext</c>).</summary>
        public bool IsDbContextType(ITypeSymbol? type)
        {
            switch (type)
            {
                case null:
                    return false;
                case ITypeParameterSymbol typeParameter:
                    return typeParameter.ConstraintTypes.Any(IsDbContextType);
                case INamedTypeSymbol named:
                    return (RoleOf(named) & TypeRole.Context) != 0;
                case var _ when IsNeverClassType(type):
                    return false;
                default:
                    return type.InheritsFromOrEquals(Types.DbContext) || IsConfiguredContextType(type);
            }
        }

        private TypeRole RoleOf(INamedTypeSymbol type)
        {
            var definition = type.OriginalDefinition;
            if (!_typeRoles.TryGetValue(definition, out var role))
            {
                role = (definition.InheritsFromOrEquals(Types.DbContext) || IsConfiguredContextType(definition) ? TypeRole.Context : TypeRole.None)
                       | (definition.InheritsFromOrEquals(Types.DbSet) ? TypeRole.DbSet : TypeRole.None);
                _typeRoles.TryAdd(definition, role);
            }

            return role;
        }

        private bool IsConfiguredContextType(ITypeSymbol type)
        {
            foreach (var configured in ConfiguredContextTypes)
            {
                if (configured.TypeKind == TypeKind.Interface
                    ? type.IsType(configured) || type.Implements(configured)
                    : type.InheritsFromOrEquals(configured))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The type's factory members, as <paramref name="find"/> lists them, computed once per type.</summary>
        internal ImmutableArray<ISymbol> FactoryMembers(INamedTypeSymbol type, Func<DataAccessModel, INamedTypeSymbol, ImmutableArray<ISymbol>> find)
        {
            if (!_factoryMembers.TryGetValue(type, out var members))
            {
                members = _factoryMembers.GetOrAdd(type, find(this, type));
            }

            return members;
        }

        public bool IsDbSetType(ITypeSymbol? type)
            => type switch
            {
                INamedTypeSymbol named => (RoleOf(named) & TypeRole.DbSet) != 0,
                null => false,
                _ when IsNeverClassType(type) => false,
                _ => type.InheritsFromOrEquals(Types.DbSet),
            };

        /// <summary>A context or a DbSet, in one look at the type's role (what a caller that accepts either asks).</summary>
        public bool IsDbContextOrDbSetType(INamedTypeSymbol type) => RoleOf(type) != TypeRole.None;

        // Arrays are common among expression types and never a context or a DbSet: spared the walk up their base types.
        private static bool IsNeverClassType(ITypeSymbol type) => type is IArrayTypeSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol;

        public bool IsContextFactoryType(ITypeSymbol? type) => type.Implements(Types.DbContextFactory);

        /// <summary>
        /// Whether the type holds a context: the context itself, a holder of one (<c>Lazy&lt;T&gt;</c>,
        /// <c>ThreadLocal&lt;T&gt;</c>, <c>AsyncLocal&lt;T&gt;</c>), or a collection or array of them.
        /// Options and factories are generic over the context type but hold none.
        /// </summary>
        public bool HoldsDbContext(ITypeSymbol? type)
        {
            for (var depth = 0; type != null && depth < 4; depth++)
            {
                if (IsDbContextType(type))
                {
                    return true;
                }

                if (type is IArrayTypeSymbol array)
                {
                    type = array.ElementType;
                    continue;
                }

                if (type is INamedTypeSymbol { IsGenericType: true } named && IsHolderOrCollection(named))
                {
                    return named.TypeArguments.Any(argument => IsDbContextType(argument));
                }

                return false;
            }

            return false;
        }

        private bool IsHolderOrCollection(INamedTypeSymbol type)
        {
            var definition = type.OriginalDefinition;
            return definition.IsType(Types.Lazy)
                   || definition.IsType(Types.ThreadLocal)
                   || definition.IsType(Types.AsyncLocal)
                   || definition.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);
        }

        /// <summary>
        /// The context instance an expression uses: the expression itself when it is a context, or
        /// the root of its receiver chain (<c>_db.Orders.Where(...).ToListAsync()</c> uses <c>_db</c>).
        /// Follows simple local aliases (<c>var db = _db;</c>, <c>var orders = db.Orders;</c>).
        /// </summary>
        public ContextInstance? GetContextInstance(IOperation? operation)
        {
            for (var depth = 0; operation != null && depth < MaxWalkDepth; depth++)
            {
                operation = Unwrap(operation);
                if (IsDbContextType(operation.Type))
                {
                    return FromContextExpression(operation, depth);
                }

                operation = GetReceiver(operation);
            }

            return null;
        }

        /// <summary>
        /// Whether the expression is an EF Core query: a DbSet, or query operators over one, or
        /// raw SQL composed into a query. LINQ to Objects (<c>list.AsQueryable()</c> included) is not.
        /// </summary>
        public bool IsEfQuery(IOperation? operation)
        {
            for (var depth = 0; operation != null && depth < MaxWalkDepth; depth++)
            {
                operation = Unwrap(operation);
                if (IsDbSetType(operation.Type))
                {
                    return true;
                }

                switch (operation.Kind)
                {
                    case OperationKind.Invocation:
                        var method = ((IInvocationOperation)operation).TargetMethod.Unreduced();
                        if (IsQueryComposition(method))
                        {
                            operation = GetReceiver(operation);
                            continue;
                        }

                        return IsQueryRoot(method);

                    case OperationKind.LocalReference:
                        operation = GetLocalInitializer((ILocalReferenceOperation)operation);
                        continue;

                    case OperationKind.PropertyReference:
                        var property = (IPropertyReferenceOperation)operation;
                        // A query exposed by the context itself: `IQueryable<Order> Open => Orders.Where(...)`.
                        return property.Type is INamedTypeSymbol propertyType
                               && propertyType.OriginalDefinition.Implements(Types.QueryableOfT)
                               && IsDbContextType(property.Property.ContainingType);

                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>What an invocation does to the database, or <c>null</c> when it is not an EF Core operation.</summary>
        public DataAccessOperation? Classify(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod.Unreduced();
            var definition = method.OriginalDefinition;
            if (!_methodKinds.TryGetValue(definition, out var kind))
            {
                kind = ClassifyMethod(definition);
                _methodKinds.TryAdd(definition, kind);
            }

            if (kind == QueryExecutionIfEfReceiver)
            {
                kind = IsEfQuery(GetReceiver(invocation)) ? DataAccessKind.QueryExecution : DataAccessKind.None;
            }

            if (kind == DataAccessKind.None)
            {
                return null;
            }

            var isAsync = method.Name.EndsWith("Async", System.StringComparison.Ordinal);
            return new DataAccessOperation(kind, isAsync, invocation, this);
        }

        /// <summary>The operation a member access or call is made on (the instance, or an extension method's first argument).</summary>
        public static IOperation? GetReceiver(IOperation operation)
        {
            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    var invocation = (IInvocationOperation)operation;
                    if (invocation.Instance != null)
                    {
                        return invocation.Instance;
                    }

                    if (invocation.TargetMethod.IsExtensionMethod || invocation.TargetMethod.ReducedFrom != null)
                    {
                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.Parameter?.Ordinal == 0)
                            {
                                return argument.Value;
                            }
                        }
                    }

                    return null;
                case OperationKind.PropertyReference:
                    return ((IPropertyReferenceOperation)operation).Instance;
                case OperationKind.FieldReference:
                    return ((IFieldReferenceOperation)operation).Instance;
                case OperationKind.LocalReference:
                    return GetLocalInitializer((ILocalReferenceOperation)operation);
                case OperationKind.ConditionalAccessInstance:
                    for (var parent = operation.Parent; parent != null; parent = parent.Parent)
                    {
                        if (parent.Kind == OperationKind.ConditionalAccess)
                        {
                            return ((IConditionalAccessOperation)parent).Operation;
                        }
                    }

                    return null;
                case OperationKind.ConditionalAccess:
                    return ((IConditionalAccessOperation)operation).WhenNotNull;
                default:
                    return null;
            }
        }

        /// <summary>The initializer of a local declared as <c>var x = ...;</c>, for alias resolution.</summary>
        public static IOperation? GetLocalInitializer(ILocalReferenceOperation local)
        {
            if (local.Local.IsRef || local.Local.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            var declarator = local.Local.DeclaringSyntaxReferences[0].GetSyntax() as VariableDeclaratorSyntax;
            var value = declarator?.Initializer?.Value;
            if (value is null || local.SemanticModel is null || value.SyntaxTree != local.Syntax.SyntaxTree)
            {
                return null;
            }

            return local.SemanticModel.GetOperation(value);
        }

        // By kind, here and in the walks below: most rules unwrap and walk the values of every call,
        // and a type test against an interface scans the interfaces of the operation's class.
        public static IOperation Unwrap(IOperation operation)
        {
            while (true)
            {
                switch (operation.Kind)
                {
                    case OperationKind.Conversion:
                        operation = ((IConversionOperation)operation).Operand;
                        continue;
                    case OperationKind.Parenthesized:
                        operation = ((IParenthesizedOperation)operation).Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        private ContextInstance FromContextExpression(IOperation operation, int depth)
        {
            var type = operation.Type!;
            switch (operation)
            {
                case IInstanceReferenceOperation:
                    return new ContextInstance(ContextInstanceKind.This, type, type, null);
                case IFieldReferenceOperation field:
                    return new ContextInstance(this, field.Field, type);
                case IPropertyReferenceOperation property:
                    return new ContextInstance(this, property.Property, type);
                case IParameterReferenceOperation parameter:
                    return new ContextInstance(
                        parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor }
                            ? ContextInstanceKind.Injected
                            : ContextInstanceKind.Parameter,
                        parameter.Parameter,
                        type,
                        null);
                case ILocalReferenceOperation local:
                    var initializer = GetLocalInitializer(local);
                    if (initializer != null && depth < MaxWalkDepth && IsAlias(Unwrap(initializer)))
                    {
                        var aliased = GetContextInstance(initializer);
                        if (aliased != null)
                        {
                            return aliased;
                        }
                    }

                    return new ContextInstance(ContextInstanceKind.Local, local.Local, type, null);
                default:
                    return new ContextInstance(ContextInstanceKind.Created, null, type, operation.Syntax);
            }
        }

        private static bool IsAlias(IOperation operation)
            => operation is IFieldReferenceOperation
                or IPropertyReferenceOperation
                or IParameterReferenceOperation
                or ILocalReferenceOperation
                or IInstanceReferenceOperation;

        /// <summary>
        /// A field or property assigned from a constructor parameter (or initialized from a
        /// primary-constructor parameter). Decided from syntax: the assignment shapes are C#'s own
        /// and the constructor bodies are small.
        /// </summary>
        internal bool IsInjectedMember(ISymbol member)
            => _injectedMembers.GetOrAdd(member, ComputeIsInjectedMember);

        private static bool ComputeIsInjectedMember(ISymbol member)
        {
            if (member.IsStatic || member.ContainingType is null)
            {
                return false;
            }

            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                var initializer = syntax switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    _ => null,
                };
                if (initializer is IdentifierNameSyntax initializerName
                    && PrimaryConstructorParameterNames(member.ContainingType).Contains(initializerName.Identifier.ValueText))
                {
                    return true;
                }
            }

            foreach (var constructor in member.ContainingType.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is not ConstructorDeclarationSyntax declaration)
                    {
                        continue;
                    }

                    foreach (var node in declaration.DescendantNodes())
                    {
                        if (node is AssignmentExpressionSyntax assignment
                            && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                            && AssignedName(assignment.Left) == member.Name
                            && AssignedValueName(assignment.Right) is { } valueName
                            && HasParameterNamed(declaration.ParameterList, valueName))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool HasParameterNamed(ParameterListSyntax parameters, string name)
        {
            foreach (var parameter in parameters.Parameters)
            {
                if (parameter.Identifier.ValueText == name)
                {
                    return true;
                }
            }

            return false;
        }

        private static ImmutableHashSet<string> PrimaryConstructorParameterNames(INamedTypeSymbol type)
        {
            var names = ImmutableHashSet<string>.Empty;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is TypeDeclarationSyntax { ParameterList: { } parameters })
                {
                    names = names.Union(parameters.Parameters.Select(p => p.Identifier.ValueText));
                }
            }

            return names;
        }

        private static string? AssignedName(ExpressionSyntax left) => left switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
            _ => null,
        };

        private static string? AssignedValueName(ExpressionSyntax right) => right switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,

            // `_db = db ?? throw new ArgumentNullException(nameof(db));`
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression, Left: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
            _ => null,
        };

        /// <summary>Operators that compose a query without running it: the walk goes on to their source.</summary>
        private bool IsQueryComposition(IMethodSymbol method)
        {
            if (method.IsContainedIn(Types.Queryable))
            {
                return method.ReturnType is INamedTypeSymbol returned && returned.OriginalDefinition.Implements(Types.QueryableOfT);
            }

            if (method.IsContainedIn(Types.EntityFrameworkQueryableExtensions) || method.IsContainedIn(Types.RelationalQueryableExtensions))
            {
                // Include, AsNoTracking, TagWith, FromSql on a DbSet...: all return a query over their first argument.
                return method.ReturnType is INamedTypeSymbol returned
                       && returned.OriginalDefinition.Implements(Types.QueryableOfT)
                       && method.Parameters.Length > 0;
            }

            return false;
        }

        /// <summary>Calls that start an EF query without a DbSet receiver.</summary>
        private bool IsQueryRoot(IMethodSymbol method)
        {
            if (method.ReturnType is not INamedTypeSymbol returned || !returned.OriginalDefinition.Implements(Types.QueryableOfT))
            {
                return false;
            }

            // Database.SqlQuery<T>(...), context.Set<T>(), FromExpression, navigation entries' Query().
            return method.IsContainedIn(Types.RelationalDatabaseFacadeExtensions)
                   || IsDbContextType(method.ContainingType)
                   || method.ContainingNamespace.HasFullName(ChangeTrackingNamespace);
        }

        private static string BaseName(string name)
            => name.EndsWith("Async", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - 5) : name;

        private DataAccessKind ClassifyMethod(IMethodSymbol method)
        {
            var containingType = method.ContainingType;
            if (containingType is null)
            {
                return DataAccessKind.None;
            }

            var name = method.Name;

            if (method.IsContainedIn(Types.EntityFrameworkQueryableExtensions) || method.IsContainedIn(Types.RelationalQueryableExtensions))
            {
                switch (BaseName(name))
                {
                    case "ExecuteUpdate":
                    case "ExecuteDelete":
                        return DataAccessKind.BulkUpdate;
                    case "Load":
                        return DataAccessKind.ExplicitLoad;
                }

                if (name.EndsWith("Async", System.StringComparison.Ordinal) && name != "AsAsyncEnumerable")
                {
                    return DataAccessKind.QueryExecution;
                }

                return DataAccessKind.None;
            }

            if ((method.IsContainedIn(Types.Enumerable) || method.IsContainedIn(Types.Queryable))
                && SyncTerminalOperators.Contains(name))
            {
                return QueryExecutionIfEfReceiver;
            }

            if (IsDbContextType(containingType) || IsDbSetType(containingType))
            {
                if (BaseName(name) == "SaveChanges")
                {
                    return DataAccessKind.SaveChanges;
                }

                if (BaseName(name) == "Find")
                {
                    return DataAccessKind.Find;
                }

                return ChangeTrackingMethods.Contains(name) ? DataAccessKind.ChangeTracking : DataAccessKind.None;
            }

            if (method.IsContainedIn(Types.DatabaseFacade) || method.IsContainedIn(Types.RelationalDatabaseFacadeExtensions))
            {
                switch (BaseName(name))
                {
                    case "BeginTransaction":
                        return DataAccessKind.BeginTransaction;
                    case "CommitTransaction":
                        return DataAccessKind.CommitTransaction;
                    case "RollbackTransaction":
                        return DataAccessKind.RollbackTransaction;
                    case "EnsureCreated":
                    case "EnsureDeleted":
                    case "Migrate":
                        return DataAccessKind.SchemaChange;
                }

                return BaseName(name).StartsWith("ExecuteSql", System.StringComparison.Ordinal)
                    ? DataAccessKind.RawSqlExecution
                    : DataAccessKind.None;
            }

            if (containingType.Implements(Types.DbContextTransaction))
            {
                return BaseName(name) switch
                {
                    "Commit" => DataAccessKind.CommitTransaction,
                    "Rollback" => DataAccessKind.RollbackTransaction,
                    _ => DataAccessKind.None,
                };
            }

            if (containingType.Implements(Types.DbContextFactory))
            {
                return BaseName(name) == "CreateDbContext" ? DataAccessKind.ContextCreation : DataAccessKind.None;
            }

            if (containingType.ContainingNamespace.HasFullName(ChangeTrackingNamespace))
            {
                return BaseName(name) is "Load" or "Reload" or "GetDatabaseValues"
                    ? DataAccessKind.ExplicitLoad
                    : DataAccessKind.None;
            }

            return DataAccessKind.None;
        }
    }
}
