using System.Collections.Concurrent;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>What a use of an <c>ISession</c> member does to the session.</summary>
    internal enum SessionMemberKind
    {
        None,

        /// <summary><c>TryGetValue</c>, <c>Keys</c>, <c>Id</c>, <c>IsAvailable</c>, the <c>Get*</c> extensions.</summary>
        Read,

        /// <summary><c>Set</c>, <c>Remove</c>, <c>Clear</c>, the <c>Set*</c> extensions.</summary>
        Write,

        /// <summary><c>LoadAsync</c>: fetches the session from its store asynchronously.</summary>
        Load,

        /// <summary><c>CommitAsync</c>: writes it back (the session middleware does this after the request).</summary>
        Commit,
    }

    /// <summary>
    /// The ASP.NET Core session: which operations read, write, load or commit an <c>ISession</c>, and
    /// which request's session an expression is.
    /// <para>
    /// ASP.NET Core's <c>DistributedSession</c> loads lazily: <c>TryGetValue</c>, <c>Set</c> (through
    /// <c>IsAvailable</c>), <c>Remove</c>, <c>Clear</c>, <c>Keys</c>, <c>Id</c> and <c>IsAvailable</c> all
    /// call its private <c>Load()</c>, which reads the store with the synchronous
    /// <c>IDistributedCache.Get</c> unless <c>LoadAsync</c> ran first
    /// (https://github.com/dotnet/aspnetcore/blob/main/src/Middleware/Session/src/DistributedSession.cs).
    /// So every member but <c>LoadAsync</c> and <c>CommitAsync</c> is a read or a write here.
    /// </para>
    /// </summary>
    internal static class SessionAccess
    {
        // Property chains are short (`_accessor.HttpContext!.Session`); the bound keeps
        // half-typed alias cycles (`var a = b; var b = a;`) finite.
        private const int MaxWalkDepth = 16;

        /// <summary>
        /// What the operation does to a session: an invocation of an <c>ISession</c> method (on the
        /// interface or a type implementing it), of the framework's <c>SessionExtensions</c>
        /// (<c>GetString</c>, <c>SetString</c>, <c>GetInt32</c>, <c>SetInt32</c>, <c>Get</c>), of a
        /// synchronous user extension method over <c>ISession</c> (which can only reach the session
        /// through its members: a read), or a reference to <c>Keys</c>, <c>Id</c> or <c>IsAvailable</c>.
        /// </summary>
        public static SessionMemberKind Classify(IOperation operation, KnownTypes types)
            => Classify(operation, types, null);

        /// <summary>
        /// The same, with the per-type answers of <paramref name="cache"/>: an analyzer asks of every
        /// call and property reference of the compilation, and the few that pass the name and
        /// signature tests (<c>Remove</c>, <c>Clear</c>, <c>TryGetValue</c> on collections) are the
        /// same few types again and again.
        /// </summary>
        public static SessionMemberKind Classify(IOperation operation, KnownTypes types, SessionMemberCache? cache)
        {
            if (types.Session is null)
            {
                return SessionMemberKind.None;
            }

            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    return ClassifyMethod((IInvocationOperation)operation, types, cache);

                case OperationKind.PropertyReference:
                    // The name and the type first: an entity's `Id` is read everywhere, and is rarely a string.
                    // The reference's type is the property's, already at hand (a property's own type is
                    // built anew for each read of a nullable-annotated one).
                    var property = ((IPropertyReferenceOperation)operation).Property;
                    return property.Name switch
                           {
                               "Id" => operation.Type?.SpecialType == SpecialType.System_String,
                               "IsAvailable" => operation.Type?.SpecialType == SpecialType.System_Boolean,
                               "Keys" => true,
                               _ => false,
                           }
                           && !property.IsStatic
                           && ImplementsSession(property.ContainingType, types, cache)
                        ? SessionMemberKind.Read
                        : SessionMemberKind.None;

                default:
                    return SessionMemberKind.None;
            }
        }

        private static bool ImplementsSession(INamedTypeSymbol? type, KnownTypes types, SessionMemberCache? cache)
        {
            if (type is null || cache is null)
            {
                return type.Implements(types.Session);
            }

            var definition = type.OriginalDefinition;
            if (!cache.SessionTypes.TryGetValue(definition, out var implements))
            {
                implements = definition.Implements(types.Session);
                cache.SessionTypes.TryAdd(definition, implements);
            }

            return implements;
        }

        /// <summary>
        /// Whether an extension method's receiver is the session. Every LINQ call asks, so the
        /// receiver's parameter is found through its argument (a method's parameter list is built
        /// anew each time it is asked for), and its type is the argument value's: the receiver
        /// converted to the parameter's type. That is <c>ISession</c> itself for the framework's
        /// extensions and most helpers; a type implementing it for a helper over one, or over
        /// <c>this TSession</c> called on one (<c>distributed.Read(key)</c>: TSession is inferred as
        /// the class).
        /// </summary>
        private static bool ExtendsSession(IInvocationOperation invocation, KnownTypes types, SessionMemberCache? cache)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { Ordinal: 0 })
                {
                    var type = argument.Value.Type;

                    // Generic receivers are not looked at: a session class is not generic, and LINQ's
                    // (IEnumerable<T>, IQueryable<T>), most extension calls, are spared the interface test.
                    return type.IsType(types.Session)
                           || (type is INamedTypeSymbol { IsGenericType: false } named && ImplementsSession(named, types, cache));
                }
            }

            return false;
        }

        private static SessionMemberKind ClassifyMethod(IInvocationOperation invocation, KnownTypes types, SessionMemberCache? cache)
        {
            var method = invocation.TargetMethod.Unreduced();
            if (method.IsExtensionMethod)
            {
                // The receiver's type as the call binds it: LINQ's calls (most of a data-access code
                // base's) have generic receivers and end here without a lookup.
                return ClassifyExtension(invocation, method, types, cache);
            }

            // The name and the signature first: this runs for every call of the compilation, and
            // the interface test walks the type's interfaces. ISession's Set, Remove and Clear
            // return nothing (DbSet.Remove and List.Remove return a value).
            var memberKind = method.Name switch
            {
                "TryGetValue" => SessionMemberKind.Read,
                "Set" or "Remove" or "Clear" when method.ReturnsVoid => SessionMemberKind.Write,
                "LoadAsync" => SessionMemberKind.Load,
                "CommitAsync" => SessionMemberKind.Commit,
                _ => SessionMemberKind.None,
            };

            return memberKind == SessionMemberKind.None || method.IsStatic || !ImplementsSession(method.ContainingType, types, cache)
                ? SessionMemberKind.None
                : memberKind;
        }

        private static SessionMemberKind ClassifyExtension(IInvocationOperation invocation, IMethodSymbol method, KnownTypes types, SessionMemberCache? cache)
            => ExtendsSession(invocation, types, cache) ? ExtensionKind(method, types) : SessionMemberKind.None;

        /// <summary>What an extension method over the session does.</summary>
        private static SessionMemberKind ExtensionKind(IMethodSymbol method, KnownTypes types)
        {
            if (method.IsContainedIn(types.SessionExtensions))
            {
                return method.Name.StartsWith("Set", System.StringComparison.Ordinal) ? SessionMemberKind.Write : SessionMemberKind.Read;
            }

            // A user helper (`session.GetJson<T>(key)`): synchronous ones can only read or write
            // through ISession's synchronous members; asynchronous ones are left alone (they may load).
            return AsyncContext.IsTaskLike(method.ReturnType, types) ? SessionMemberKind.None : SessionMemberKind.Read;
        }

        /// <summary>Whether the kind touches the session's data (and so loads it when it is not loaded).</summary>
        public static bool IsAccess(SessionMemberKind kind) => kind is SessionMemberKind.Read or SessionMemberKind.Write;

        /// <summary>The session a classified operation uses: the instance, or an extension method's first argument.</summary>
        public static IOperation? GetSession(IOperation operation)
        {
            var receiver = DataAccessModel.GetReceiver(operation);
            return receiver is null ? null : DataAccessModel.Unwrap(receiver);
        }

        /// <summary>
        /// Which request's session an expression is, as a key that is equal for two expressions of
        /// the same function that mean the same session: <c>&lt;http context&gt;.Session</c>, where the
        /// HttpContext is a parameter (<c>context.Session</c>), a property or field chain
        /// (<c>HttpContext.Session</c> in a controller or page, <c>_accessor.HttpContext!.Session</c>),
        /// or a local initialized with one of those; and a local initialized with such a session
        /// (<c>var session = HttpContext.Session;</c>). <c>null</c> for anything else (an
        /// <c>ISession</c> parameter or field, a call's result): those sessions may have been loaded
        /// by whoever handed them over.
        /// </summary>
        public static string? GetSessionKey(IOperation? session, KnownTypes types)
        {
            for (var depth = 0; session != null && depth < MaxWalkDepth; depth++)
            {
                session = DataAccessModel.Unwrap(session);
                switch (session)
                {
                    case ILocalReferenceOperation local:
                        session = DataAccessModel.GetLocalInitializer(local);
                        continue;

                    case IPropertyReferenceOperation { Property.Name: "Session" } property
                        when property.Property.ContainingType.InheritsFromOrEquals(types.HttpContext):
                        var context = new StringBuilder();
                        return AppendContextKey(context, property.Instance, types, depth) ? context.Append(".Session").ToString() : null;

                    default:
                        return null;
                }
            }

            return null;
        }

        // The HttpContext expression as a path from a root symbol: `p:context@123`, `this.HttpContext`,
        // `f:_accessor@45.HttpContext`.
        private static bool AppendContextKey(StringBuilder key, IOperation? operation, KnownTypes types, int depth)
        {
            for (; operation != null && depth < MaxWalkDepth; depth++)
            {
                operation = DataAccessModel.Unwrap(operation);
                switch (operation)
                {
                    case IInstanceReferenceOperation:
                        key.Append("this");
                        return true;

                    case IParameterReferenceOperation parameter:
                        AppendSymbol(key, "p:", parameter.Parameter);
                        return true;

                    case ILocalReferenceOperation local:
                        var initializer = DataAccessModel.GetLocalInitializer(local);
                        if (initializer != null)
                        {
                            operation = initializer;
                            continue;
                        }

                        AppendSymbol(key, "l:", local.Local);
                        return true;

                    case IConditionalAccessInstanceOperation:
                        operation = DataAccessModel.GetReceiver(operation);
                        continue;

                    case IPropertyReferenceOperation property:
                        if (property.Instance is null)
                        {
                            AppendSymbol(key, "s:", property.Property.ContainingType);
                        }
                        else if (!AppendContextKey(key, property.Instance, types, depth + 1))
                        {
                            return false;
                        }

                        key.Append('.').Append(property.Property.Name);
                        return true;

                    case IFieldReferenceOperation field:
                        if (field.Instance is null)
                        {
                            AppendSymbol(key, "s:", field.Field.ContainingType);
                        }
                        else if (!AppendContextKey(key, field.Instance, types, depth + 1))
                        {
                            return false;
                        }

                        key.Append('.').Append(field.Field.Name);
                        return true;

                    default:
                        return false;
                }
            }

            return false;
        }

        private static void AppendSymbol(StringBuilder key, string prefix, ISymbol symbol)
        {
            key.Append(prefix).Append(symbol.Name);
            if (symbol.Locations.Length > 0 && symbol.Locations[0].IsInSource)
            {
                key.Append('@').Append(symbol.Locations[0].SourceSpan.Start);
            }
        }
    }

    /// <summary>
    /// Per-compilation answers of <see cref="SessionAccess.Classify(IOperation, KnownTypes, SessionMemberCache?)"/>:
    /// whether a type definition implements <c>ISession</c>. Created at compilation start; nothing outlives the compilation.
    /// </summary>
    internal sealed class SessionMemberCache
    {
        internal ConcurrentDictionary<ITypeSymbol, bool> SessionTypes { get; } =
            new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
    }
}
