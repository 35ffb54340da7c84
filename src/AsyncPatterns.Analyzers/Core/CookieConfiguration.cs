using System;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>What a cookie setting configures: the session cookie, the authentication cookie, or a
    /// cookie the app appends by hand with <c>CookieOptions</c>.</summary>
    internal enum CookieOwner
    {
        Session,
        Authentication,
        Response,
    }

    /// <summary>The cookie and session settings that can weaken a cookie.</summary>
    internal enum CookieSettingKind
    {
        HttpOnly,
        Secure,
        SecurePolicy,
        SameSite,
        IdleTimeout,
    }

    /// <summary>One assignment of a cookie or session setting, with the cookie it configures.</summary>
    internal sealed class CookieSetting
    {
        public CookieSetting(ISimpleAssignmentOperation assignment, CookieSettingKind kind, CookieOwner owner, string? cookieName)
        {
            Assignment = assignment;
            Kind = kind;
            Owner = owner;
            CookieName = cookieName;
        }

        public ISimpleAssignmentOperation Assignment { get; }

        public CookieSettingKind Kind { get; }

        public CookieOwner Owner { get; }

        /// <summary>The constant name of a hand-built cookie, when it has one.</summary>
        public string? CookieName { get; }

        public IOperation Value => Assignment.Value;
    }

    /// <summary>
    /// ASP.NET Core's cookie configuration, resolved by metadata name once per compilation and
    /// without EF Core: <c>SessionOptions.Cookie</c> and <c>IdleTimeout</c>,
    /// <c>CookieAuthenticationOptions.Cookie</c> (however they are configured: <c>AddSession</c>,
    /// <c>AddCookie</c>, <c>ConfigureApplicationCookie</c>, <c>Configure&lt;T&gt;</c>, initializers —
    /// the property being assigned says which cookie it is), and hand-built <c>CookieOptions</c>
    /// passed to <c>Response.Cookies.Append</c>. A hand-built cookie counts only when it carries a
    /// session or authentication value (its name or its value says so): a preference cookie that
    /// scripts are meant to read is none of our business.
    /// </summary>
    internal sealed class CookieConfiguration
    {
        /// <summary>The <c>.editorconfig</c> key of the longest acceptable session idle timeout.</summary>
        public const string MaxSessionIdleKey = OptionKeys.MaxSessionIdle;

        /// <summary>The default longest acceptable idle timeout: one day.</summary>
        public static readonly TimeSpan DefaultMaxSessionIdle = TimeSpan.FromDays(1);

        /// <summary>ASP.NET Core's default <c>SessionOptions.IdleTimeout</c>, which the fix restores.</summary>
        public static readonly TimeSpan FrameworkDefaultIdleTimeout = TimeSpan.FromMinutes(20);

        private CookieConfiguration(MetadataTypes lookups)
        {
            Lookups = lookups;
            CookieBuilder = lookups.Find("Microsoft.AspNetCore.Http.CookieBuilder", "Microsoft.AspNetCore.Http.Abstractions");
            CookieOptions = lookups.Find("Microsoft.AspNetCore.Http.CookieOptions", "Microsoft.AspNetCore.Http.Features");
            SessionOptions = lookups.Find("Microsoft.AspNetCore.Builder.SessionOptions", "Microsoft.AspNetCore.Session");
            CookieAuthenticationOptions = lookups.Find("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions", "Microsoft.AspNetCore.Authentication.Cookies");
            CookieSecurePolicy = lookups.Find("Microsoft.AspNetCore.Http.CookieSecurePolicy", "Microsoft.AspNetCore.Http.Abstractions");
            SameSiteMode = lookups.Find("Microsoft.AspNetCore.Http.SameSiteMode", "Microsoft.AspNetCore.Http.Features");
            ResponseCookies = lookups.Find("Microsoft.AspNetCore.Http.IResponseCookies", "Microsoft.AspNetCore.Http.Features");
            Session = lookups.Find("Microsoft.AspNetCore.Http.ISession", "Microsoft.AspNetCore.Http.Features");
            AuthenticationTicket = lookups.Find("Microsoft.AspNetCore.Authentication.AuthenticationTicket", "Microsoft.AspNetCore.Authentication.Abstractions");
            SecurityToken = lookups.Find("Microsoft.IdentityModel.Tokens.SecurityToken", "Microsoft.IdentityModel.Tokens");
            TimeSpanType = lookups.Find("System.TimeSpan", MetadataTypes.CoreLibrary);
            TimeoutType = lookups.Find("System.Threading.Timeout", MetadataTypes.CoreLibrary);
        }

        public INamedTypeSymbol? CookieBuilder { get; }
        public INamedTypeSymbol? CookieOptions { get; }
        public INamedTypeSymbol? SessionOptions { get; }
        public INamedTypeSymbol? CookieAuthenticationOptions { get; }
        public INamedTypeSymbol? CookieSecurePolicy { get; }
        public INamedTypeSymbol? SameSiteMode { get; }
        public INamedTypeSymbol? ResponseCookies { get; }
        public INamedTypeSymbol? Session { get; }
        public INamedTypeSymbol? AuthenticationTicket { get; }
        public INamedTypeSymbol? SecurityToken { get; }
        public INamedTypeSymbol? TimeSpanType { get; }
        public INamedTypeSymbol? TimeoutType { get; }

        /// <summary>Returns <c>null</c> when the compilation does not reference ASP.NET Core
        /// (<c>Microsoft.AspNetCore.Http.HttpContext</c>) or none of its cookie types.</summary>
        public static CookieConfiguration? Create(Compilation compilation)
        {
            var lookups = new MetadataTypes(compilation);
            if (lookups.Find("Microsoft.AspNetCore.Http.HttpContext", "Microsoft.AspNetCore.Http.Abstractions") is null)
            {
                return null;
            }

            var configuration = new CookieConfiguration(lookups);
            return configuration.CookieBuilder is null && configuration.CookieOptions is null && configuration.SessionOptions is null
                ? null
                : configuration;
        }

        /// <summary>
        /// The cookie setting an assignment makes, or <c>null</c> when it sets something else or a
        /// cookie we cannot tie to a session or authentication value.
        /// </summary>
        public CookieSetting? Classify(ISimpleAssignmentOperation assignment)
        {
            if (assignment.Target is not IPropertyReferenceOperation target)
            {
                return null;
            }

            var property = Declaration(target.Property);
            var name = property.Name;
            if (property.IsContainedIn(CookieBuilder))
            {
                var kind = name switch
                {
                    "HttpOnly" => CookieSettingKind.HttpOnly,
                    "SecurePolicy" => CookieSettingKind.SecurePolicy,
                    "SameSite" => CookieSettingKind.SameSite,
                    _ => (CookieSettingKind?)null,
                };
                var owner = kind is null ? null : BuilderOwner(target, assignment);
                return owner is null ? null : new CookieSetting(assignment, kind!.Value, owner.Value, null);
            }

            if (property.IsContainedIn(CookieOptions))
            {
                var kind = name switch
                {
                    "HttpOnly" => CookieSettingKind.HttpOnly,
                    "Secure" => CookieSettingKind.Secure,
                    "SameSite" => CookieSettingKind.SameSite,
                    _ => (CookieSettingKind?)null,
                };
                if (kind is null || !CarriesSensitiveCookie(target, assignment, out var cookieName))
                {
                    return null;
                }

                return new CookieSetting(assignment, kind.Value, CookieOwner.Response, cookieName);
            }

            if (property.IsContainedIn(SessionOptions) && name == "IdleTimeout")
            {
                return new CookieSetting(assignment, CookieSettingKind.IdleTimeout, CookieOwner.Session, null);
            }

            return null;
        }

        /// <summary>Whether a constant value is <c>CookieSecurePolicy.&lt;member&gt;</c> or <c>SameSiteMode.&lt;member&gt;</c>.</summary>
        public static bool IsEnumMember(IOperation value, INamedTypeSymbol? enumType, string member)
        {
            if (enumType is null || !value.ConstantValue.HasValue || value.ConstantValue.Value is null)
            {
                return false;
            }

            foreach (var candidate in enumType.GetMembers(member))
            {
                if (candidate is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, value.ConstantValue.Value))
                {
                    return true;
                }
            }

            return false;
        }

        public static bool IsFalse(IOperation value) => value.ConstantValue is { HasValue: true, Value: false };

        /// <summary>
        /// The value of a <c>TimeSpan</c> expression made of constants: <c>TimeSpan.MaxValue</c>,
        /// <c>Timeout.InfiniteTimeSpan</c> (both mean "never expires" and come back as
        /// <see cref="TimeSpan.MaxValue"/>), <c>TimeSpan.FromDays/FromHours/FromMinutes/FromSeconds/FromMilliseconds</c>
        /// (every overload), <c>new TimeSpan(...)</c> and <c>TimeSpan.Parse("...")</c>.
        /// </summary>
        public TimeSpan? EvaluateTimeSpan(IOperation operation)
        {
            operation = DataAccessModel.Unwrap(operation);
            switch (operation)
            {
                case IFieldReferenceOperation field when field.Field.Name == "MaxValue" && field.Field.IsContainedIn(TimeSpanType):
                    return TimeSpan.MaxValue;

                case IFieldReferenceOperation field when field.Field.Name == "InfiniteTimeSpan" && field.Field.IsContainedIn(TimeoutType):
                    return TimeSpan.MaxValue;

                case IInvocationOperation invocation when invocation.TargetMethod.IsStatic && invocation.TargetMethod.IsContainedIn(TimeSpanType):
                    return EvaluateFactory(invocation);

                case IObjectCreationOperation creation when creation.Constructor is { } constructor && constructor.IsContainedIn(TimeSpanType):
                    return EvaluateConstructor(creation);

                default:
                    return null;
            }
        }

        /// <summary>
        /// Parses <c>async_patterns.max_session_idle</c>: a number with a unit (<c>30m</c>, <c>8h</c>,
        /// <c>1d</c>, <c>90s</c>) or a .NET TimeSpan in invariant format (<c>1.00:00:00</c>,
        /// <c>08:00:00</c>). Anything else, zero and negative values are rejected.
        /// </summary>
        public static bool TryParseDuration(string? text, out TimeSpan value)
        {
            value = default;
            text = text?.Trim();
            if (text is null || text.Length == 0)
            {
                return false;
            }

            var unit = char.ToLowerInvariant(text[text.Length - 1]);
            if (unit is 'd' or 'h' or 'm' or 's'
                && double.TryParse(text.Substring(0, text.Length - 1).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount > 0
                && amount < 100_000)
            {
                value = unit switch
                {
                    'd' => TimeSpan.FromDays(amount),
                    'h' => TimeSpan.FromHours(amount),
                    'm' => TimeSpan.FromMinutes(amount),
                    _ => TimeSpan.FromSeconds(amount),
                };
                return true;
            }

            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero)
            {
                value = parsed;
                return true;
            }

            return false;
        }

        /// <summary>
        /// Whether a cookie name says it carries a session or authentication value: a word
        /// <c>session</c>, <c>auth</c>/<c>authentication</c>, <c>token</c>, <c>sid</c>, <c>jwt</c>,
        /// <c>bearer</c> or <c>ticket</c> (<c>.AspNetCore.Session</c>, <c>access_token</c>,
        /// <c>AuthToken</c>, <c>refreshToken</c>), or ASP.NET Core's own <c>.AspNetCore.Cookies</c>
        /// and <c>.AspNetCore.Identity.*</c>. Anti-forgery cookies (<c>XSRF-TOKEN</c>) are left out:
        /// the double-submit pattern needs scripts to read them.
        /// </summary>
        public static bool IsSensitiveName(string? name)
        {
            if (name is null || name.Length == 0)
            {
                return false;
            }

            var lower = name.ToLowerInvariant();
            if (lower.Contains("xsrf") || lower.Contains("csrf") || lower.Contains("antiforgery"))
            {
                return false;
            }

            if (lower.StartsWith(".aspnetcore.cookies", StringComparison.Ordinal) || lower.StartsWith(".aspnetcore.identity", StringComparison.Ordinal))
            {
                return true;
            }

            foreach (var word in Words(name))
            {
                switch (word)
                {
                    case "session":
                    case "sessionid":
                    case "sid":
                    case "auth":
                    case "authentication":
                    case "authn":
                    case "token":
                    case "jwt":
                    case "bearer":
                    case "ticket":
                        return true;
                }

                // Run-together words: "sessionid", "authtoken", "accesstoken", "jwtcookie".
                if (word.Contains("session") || word.Contains("token") || word.Contains("jwt")
                    || (word.StartsWith("auth", StringComparison.Ordinal) && !word.StartsWith("author", StringComparison.Ordinal)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether a cookie value comes from the session id, a token or an authentication ticket:
        /// <c>HttpContext.Session.Id</c>, a value of type <c>AuthenticationTicket</c> or
        /// <c>SecurityToken</c>, or a variable, member or method whose name says token, session,
        /// jwt, ticket or sid (<c>accessToken</c>, <c>handler.WriteToken(jwt)</c>,
        /// <c>format.Protect(ticket)</c>), looking through locals' initializers.
        /// </summary>
        public bool CarriesSensitiveValue(IOperation? value) => CarriesSensitiveValue(value, 0);

        private bool CarriesSensitiveValue(IOperation? value, int depth)
        {
            if (value is null || depth > 3)
            {
                return false;
            }

            foreach (var operation in OperationTrees.DescendantsAndSelf(value))
            {
                if (operation.Type is { } type && (type.InheritsFromOrEquals(AuthenticationTicket) || type.InheritsFromOrEquals(SecurityToken)))
                {
                    return true;
                }

                switch (operation)
                {
                    case IPropertyReferenceOperation property when property.Property.Name == "Id" && property.Property.ContainingType.Implements(Session):
                        return true;
                    case IPropertyReferenceOperation property when IsSensitiveName(property.Property.Name) && !property.Property.Type.Implements(Session):
                        return true;
                    case IFieldReferenceOperation field when IsSensitiveName(field.Field.Name):
                        return true;
                    case IParameterReferenceOperation parameter when IsSensitiveName(parameter.Parameter.Name):
                        return true;
                    case IInvocationOperation invocation when IsSensitiveName(invocation.TargetMethod.Name):
                        return true;
                    case ILocalReferenceOperation local when IsSensitiveName(local.Local.Name):
                        return true;
                    case ILocalReferenceOperation local when CarriesSensitiveValue(DataAccessModel.GetLocalInitializer(local), depth + 1):
                        return true;
                }
            }

            return false;
        }

        /// <summary>The declaration a property overrides, so that a derived cookie builder's
        /// override still counts as <c>CookieBuilder.HttpOnly</c>.</summary>
        private static IPropertySymbol Declaration(IPropertySymbol property)
        {
            var current = property.OriginalDefinition;
            for (var i = 0; i < 8 && current.OverriddenProperty is { } overridden; i++)
            {
                current = overridden.OriginalDefinition;
            }

            return current;
        }

        /// <summary>Which options object the cookie builder belongs to: <c>x.Cookie.HttpOnly = ...</c>
        /// or <c>Cookie = { HttpOnly = ... }</c> inside an initializer of the options.</summary>
        private CookieOwner? BuilderOwner(IPropertyReferenceOperation target, ISimpleAssignmentOperation assignment)
        {
            IPropertySymbol? cookieProperty = target.Instance is null ? null : DataAccessModel.Unwrap(target.Instance) switch
            {
                IPropertyReferenceOperation builder => builder.Property,
                IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } => (InitializedMember(assignment) as IPropertyReferenceOperation)?.Property,
                _ => null,
            };
            if (cookieProperty is null || cookieProperty.Name != "Cookie")
            {
                return null;
            }

            var declaring = cookieProperty.ContainingType;
            if (declaring.InheritsFromOrEquals(SessionOptions))
            {
                return CookieOwner.Session;
            }

            if (declaring.InheritsFromOrEquals(CookieAuthenticationOptions))
            {
                return CookieOwner.Authentication;
            }

            return null;
        }

        /// <summary>For an assignment inside a nested member initializer (<c>Cookie = { HttpOnly = false }</c>),
        /// the member being initialized.</summary>
        private static IOperation? InitializedMember(IOperation assignment)
            => assignment.Parent is IObjectOrCollectionInitializerOperation { Parent: IMemberInitializerOperation member }
                ? member.InitializedMember
                : null;

        /// <summary>
        /// Whether the <c>CookieOptions</c> being configured is passed to <c>IResponseCookies.Append</c>
        /// for a cookie whose name or value is a session or authentication value: inline
        /// (<c>Append("sid", id, new CookieOptions { ... })</c>) or through a local
        /// (<c>var options = new CookieOptions { ... }; ... Append(name, value, options)</c>).
        /// </summary>
        private bool CarriesSensitiveCookie(IPropertyReferenceOperation target, ISimpleAssignmentOperation assignment, out string? cookieName)
        {
            cookieName = null;
            if (ResponseCookies is null || target.Instance is null)
            {
                return false;
            }

            ILocalSymbol? local = null;
            var instance = DataAccessModel.Unwrap(target.Instance);
            if (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
            {
                if (assignment.Parent is not IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation creation })
                {
                    return false;
                }

                IOperation current = creation;
                while (current.Parent is IConversionOperation or IParenthesizedOperation)
                {
                    current = current.Parent;
                }

                if (current.Parent is IArgumentOperation { Parent: IInvocationOperation append } && IsAppend(append))
                {
                    return IsSensitiveAppend(append, out cookieName);
                }

                if (current.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                {
                    local = declarator.Symbol;
                }
            }
            else if (instance is ILocalReferenceOperation localReference)
            {
                local = localReference.Local;
            }

            if (local is null)
            {
                return false;
            }

            foreach (var operation in OperationTrees.Descendants(OperationTrees.Root(assignment)))
            {
                if (operation is IInvocationOperation append
                    && IsAppend(append)
                    && OptionsArgument(append) is { } options
                    && DataAccessModel.Unwrap(options) is ILocalReferenceOperation passed
                    && SymbolEqualityComparer.Default.Equals(passed.Local, local)
                    && IsSensitiveAppend(append, out cookieName))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsAppend(IInvocationOperation invocation)
            => invocation.TargetMethod.Name == "Append"
               && (invocation.TargetMethod.ContainingType.Implements(ResponseCookies)
                   || invocation.Instance?.Type.Implements(ResponseCookies) == true);

        private IOperation? OptionsArgument(IInvocationOperation append)
        {
            foreach (var argument in append.Arguments)
            {
                if (argument.Parameter?.Type.IsType(CookieOptions) == true)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        private bool IsSensitiveAppend(IInvocationOperation append, out string? cookieName)
        {
            cookieName = null;
            IOperation? key = null;
            IOperation? value = null;
            foreach (var argument in append.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "key":
                        key = argument.Value;
                        break;
                    case "value":
                        value = argument.Value;
                        break;
                    case "keyValuePairs":
                        value = argument.Value;
                        break;
                }
            }

            if (key?.ConstantValue is { HasValue: true, Value: string name })
            {
                cookieName = name;
                if (IsAntiforgeryName(name))
                {
                    return false;
                }

                if (IsSensitiveName(name))
                {
                    return true;
                }
            }

            return CarriesSensitiveValue(value) || (key != null && !key.ConstantValue.HasValue && CarriesSensitiveValue(key));
        }

        private static bool IsAntiforgeryName(string name)
        {
            var lower = name.ToLowerInvariant();
            return lower.Contains("xsrf") || lower.Contains("csrf") || lower.Contains("antiforgery");
        }

        /// <summary>Splits <c>.AspNetCore.Session</c>, <c>access_token</c>, <c>AuthToken</c> into lower-case words.</summary>
        private static System.Collections.Generic.IEnumerable<string> Words(string name)
        {
            var start = -1;
            for (var i = 0; i <= name.Length; i++)
            {
                var c = i < name.Length ? name[i] : '\0';
                var boundary = i == name.Length
                               || !char.IsLetterOrDigit(c)
                               || (start >= 0 && char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]));
                if (boundary && start >= 0)
                {
                    yield return name.Substring(start, i - start).ToLowerInvariant();
                    start = -1;
                }

                if (i < name.Length && char.IsLetterOrDigit(c) && start < 0)
                {
                    start = i;
                }
            }
        }

        private static TimeSpan? EvaluateFactory(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (method.Name == "Parse" && invocation.Arguments.Length == 1
                && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string text })
            {
                return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            }

            double unitMilliseconds;
            switch (method.Name)
            {
                case "FromDays":
                    unitMilliseconds = 86_400_000;
                    break;
                case "FromHours":
                    unitMilliseconds = 3_600_000;
                    break;
                case "FromMinutes":
                    unitMilliseconds = 60_000;
                    break;
                case "FromSeconds":
                    unitMilliseconds = 1_000;
                    break;
                case "FromMilliseconds":
                    unitMilliseconds = 1;
                    break;
                default:
                    return null;
            }

            // .NET 9 added FromDays(int days, int hours = 0, long minutes = 0, ...): sum every part.
            double milliseconds = 0;
            for (var i = 0; i < invocation.Arguments.Length; i++)
            {
                var argument = invocation.Arguments[i];
                if (!TryGetNumber(argument.Value, out var amount))
                {
                    return null;
                }

                milliseconds += amount * (i == 0 ? unitMilliseconds : UnitOf(argument.Parameter?.Name));
            }

            return FromMilliseconds(milliseconds);
        }

        private static TimeSpan? EvaluateConstructor(IObjectCreationOperation creation)
        {
            var values = new double[creation.Arguments.Length];
            for (var i = 0; i < values.Length; i++)
            {
                if (!TryGetNumber(creation.Arguments[i].Value, out values[i]))
                {
                    return null;
                }
            }

            switch (values.Length)
            {
                case 1:
                    return values[0] >= long.MaxValue ? TimeSpan.MaxValue : new TimeSpan((long)values[0]);
                case 3:
                    return FromMilliseconds(((values[0] * 60 + values[1]) * 60 + values[2]) * 1000);
                case 4:
                case 5:
                    var ms = (((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1000;
                    return FromMilliseconds(ms + (values.Length == 5 ? values[4] : 0));
                default:
                    return null;
            }
        }

        private static double UnitOf(string? parameterName) => parameterName switch
        {
            "days" => 86_400_000,
            "hours" => 3_600_000,
            "minutes" => 60_000,
            "seconds" => 1_000,
            "milliseconds" => 1,
            "microseconds" => 0.001,
            _ => 0,
        };

        private static TimeSpan FromMilliseconds(double milliseconds)
            => milliseconds >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue
               : milliseconds <= TimeSpan.MinValue.TotalMilliseconds ? TimeSpan.MinValue
               : new TimeSpan((long)(milliseconds * TimeSpan.TicksPerMillisecond));

        private static bool TryGetNumber(IOperation operation, out double value)
        {
            value = 0;
            if (!operation.ConstantValue.HasValue || operation.ConstantValue.Value is null)
            {
                return false;
            }

            try
            {
                value = Convert.ToDouble(operation.ConstantValue.Value, CultureInfo.InvariantCulture);
                return true;
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                return false;
            }
        }

        /// <summary>Where the types are looked up: their home assembly first.</summary>
        public MetadataTypes Lookups { get; }
    }
}
