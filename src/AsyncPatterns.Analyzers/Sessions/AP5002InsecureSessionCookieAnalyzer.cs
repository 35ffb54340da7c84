using System;
using System.Collections.Immutable;
using System.Globalization;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Sessions
{
    /// <summary>
    /// AP5002: an assignment that weakens the session cookie, the authentication cookie or a
    /// hand-built cookie carrying a session or authentication value — <c>HttpOnly = false</c>
    /// (scripts can read it: one XSS steals the session), <c>SecurePolicy = CookieSecurePolicy.None</c>
    /// or <c>Secure = false</c> (sent over plain HTTP), <c>SameSite = SameSiteMode.None</c> without a
    /// secure cookie (browsers reject it or it travels cross-site over HTTP), and a
    /// <c>SessionOptions.IdleTimeout</c> that is infinite or longer than
    /// <c>async_patterns.max_session_idle</c>
    /// (https://learn.microsoft.com/aspnet/core/fundamentals/app-state#session-options,
    /// https://owasp.org/www-community/HttpOnly). An authentication cookie's <c>ExpireTimeSpan</c>
    /// is a product decision and not judged (DESIGN.md).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP5002InsecureSessionCookieAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the <see cref="CookieSettingKind"/> being weakened.</summary>
        public const string KindProperty = "Kind";

        /// <summary>Diagnostic property: "SecurePolicy" or "Secure", the setting the SameSite fix adds.</summary>
        public const string SecureMemberProperty = "SecureMember";

        /// <summary>Diagnostic property: present when the fix must not be offered.</summary>
        public const string NoFixProperty = "NoFix";

        /// <summary>Diagnostic property: the idle timeout the fix writes, in whole seconds.</summary>
        public const string IdleSecondsProperty = "IdleSeconds";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP5002InsecureSessionCookie);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var cookies = CookieConfiguration.Create(start.Compilation);
                if (cookies is null)
                {
                    return;
                }

                var maxSessionIdle = TreeOptions.Create(start.Options).MaxSessionIdle;
                start.RegisterOperationAction(c => Analyze(c, cookies, maxSessionIdle), OperationKind.SimpleAssignment);
            });
        }

        private static void Analyze(OperationAnalysisContext context, CookieConfiguration cookies, TreeOption<TimeSpan> maxSessionIdle)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            var setting = cookies.Classify(assignment);
            if (setting is null)
            {
                return;
            }

            var value = setting.Value;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, setting.Kind.ToString());
            string consequence;
            string remedy;
            switch (setting.Kind)
            {
                case CookieSettingKind.HttpOnly when CookieConfiguration.IsFalse(value):
                    consequence = "lets scripts read " + CookieText(setting) + ", so one XSS flaw hands it to an attacker";
                    remedy = "set HttpOnly = true";
                    break;

                case CookieSettingKind.Secure when CookieConfiguration.IsFalse(value):
                    consequence = "sends " + CookieText(setting) + " over plain HTTP";
                    remedy = "set Secure = true";
                    break;

                case CookieSettingKind.SecurePolicy when CookieConfiguration.IsEnumMember(value, cookies.CookieSecurePolicy, "None"):
                    consequence = "sends " + CookieText(setting) + " over plain HTTP";
                    remedy = "set SecurePolicy = CookieSecurePolicy.Always";
                    break;

                case CookieSettingKind.SameSite when CookieConfiguration.IsEnumMember(value, cookies.SameSiteMode, "None"):
                    var secure = FindSecureSetting(setting, cookies);
                    if (secure.Decided)
                    {
                        return;
                    }

                    var secureMember = setting.Owner == CookieOwner.Response ? "Secure" : "SecurePolicy";
                    properties = properties.Add(SecureMemberProperty, secureMember);
                    if (secure.Conflicting)
                    {
                        properties = properties.Add(NoFixProperty, "true");
                    }

                    consequence = "without a secure cookie lets " + CookieText(setting) + " travel cross-site over plain HTTP, and browsers reject it";
                    remedy = secureMember == "Secure" ? "also set Secure = true" : "also set SecurePolicy = CookieSecurePolicy.Always";
                    break;

                case CookieSettingKind.IdleTimeout:
                    var idle = cookies.EvaluateTimeSpan(value);
                    if (idle is null)
                    {
                        return;
                    }

                    var max = maxSessionIdle.Get(assignment.Syntax.SyntaxTree);
                    var infinite = idle.Value == TimeSpan.MaxValue || idle.Value < TimeSpan.Zero;
                    if (!infinite && idle.Value <= max)
                    {
                        return;
                    }

                    var fixValue = max < CookieConfiguration.FrameworkDefaultIdleTimeout ? max : CookieConfiguration.FrameworkDefaultIdleTimeout;
                    properties = properties.Add(IdleSecondsProperty, ((long)Math.Floor(fixValue.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
                    consequence = infinite
                        ? "never expires an idle session, so a stolen session id stays valid for good"
                        : "keeps an idle session alive longer than the " + Format(max) + " allowed by " + OptionKeys.MaxSessionIdle;
                    remedy = "use at most " + Format(fixValue);
                    break;

                default:
                    return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP5002InsecureSessionCookie,
                value.Syntax.GetLocation(),
                properties,
                Describe(assignment),
                consequence,
                remedy));
        }

        private static string CookieText(CookieSetting setting) => setting.Owner switch
        {
            CookieOwner.Session => "the session cookie",
            CookieOwner.Authentication => "the authentication cookie",
            _ => setting.CookieName is { } name ? "the '" + name + "' cookie" : "a cookie that carries a session or authentication value",
        };

        /// <summary>"<c>HttpOnly = false</c>", as written (the target's member name and the value).</summary>
        private static string Describe(ISimpleAssignmentOperation assignment)
        {
            var name = assignment.Target is IPropertyReferenceOperation property ? property.Property.Name : assignment.Target.Syntax.ToString();
            var value = assignment.Value.Syntax.ToString();
            if (value.Length > 60)
            {
                value = value.Substring(0, 57) + "...";
            }

            return name + " = " + value;
        }

        private static string Format(TimeSpan value)
        {
            if (value.TotalDays >= 1 && value.Ticks % TimeSpan.TicksPerDay == 0)
            {
                return Plural((long)value.TotalDays, "day");
            }

            if (value.TotalHours >= 1 && value.Ticks % TimeSpan.TicksPerHour == 0)
            {
                return Plural((long)value.TotalHours, "hour");
            }

            if (value.Ticks % TimeSpan.TicksPerMinute == 0)
            {
                return Plural((long)value.TotalMinutes, "minute");
            }

            return Plural((long)value.TotalSeconds, "second");
        }

        private static string Plural(long amount, string unit)
            => amount.ToString(CultureInfo.InvariantCulture) + " " + unit + (amount == 1 ? string.Empty : "s");

        /// <summary>
        /// Whether the same configuration also sets the cookie's Secure flag (<c>SecurePolicy</c> for
        /// a builder, <c>Secure</c> for <c>CookieOptions</c>): <c>Decided</c> when it is set to the
        /// secure value, to a value computed at run time, or to an insecure constant that is
        /// reported on its own; <c>Conflicting</c> when it is explicitly <c>SameAsRequest</c>, which
        /// a second assignment would contradict.
        /// </summary>
        private static (bool Decided, bool Conflicting) FindSecureSetting(CookieSetting setting, CookieConfiguration cookies)
        {
            var assignment = setting.Assignment;
            var secureMember = setting.Owner == CookieOwner.Response ? "Secure" : "SecurePolicy";
            IOperation scope;
            if (assignment.Parent is IObjectOrCollectionInitializerOperation initializer)
            {
                scope = initializer;
            }
            else
            {
                scope = OperationTrees.Root(assignment);
            }

            // `var options = new CookieOptions { SameSite = None }; options.Secure = true;` is one
            // configuration too: the statements of the method count for the local.
            var local = InitializedLocal(assignment);
            if (local != null)
            {
                scope = OperationTrees.Root(scope);
            }

            var conflicting = false;
            foreach (var operation in OperationTrees.Descendants(scope))
            {
                if (operation is not ISimpleAssignmentOperation other
                    || other == assignment
                    || other.Target is not IPropertyReferenceOperation target
                    || target.Property.Name != secureMember
                    || !(SameCookie(assignment, other)
                         || (local != null && target.Instance is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))))
                {
                    continue;
                }

                if (secureMember == "SecurePolicy" && CookieConfiguration.IsEnumMember(other.Value, cookies.CookieSecurePolicy, "SameAsRequest"))
                {
                    conflicting = true;
                    continue;
                }

                return (true, false);
            }

            return (false, conflicting);
        }

        /// <summary>The local an object initializer's object is stored in: <c>var options = new CookieOptions { ... }</c>.</summary>
        private static ILocalSymbol? InitializedLocal(ISimpleAssignmentOperation assignment)
        {
            if (assignment.Parent is not IObjectOrCollectionInitializerOperation { Parent: IObjectCreationOperation creation })
            {
                return null;
            }

            IOperation current = creation;
            while (current.Parent is IConversionOperation or IParenthesizedOperation)
            {
                current = current.Parent;
            }

            return current.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } ? declarator.Symbol : null;
        }

        /// <summary>Two assignments configure the same cookie when they sit in the same initializer or
        /// their receivers are written the same way (<c>o.Cookie</c>, <c>options</c>).</summary>
        private static bool SameCookie(ISimpleAssignmentOperation first, ISimpleAssignmentOperation second)
        {
            if (first.Parent is IObjectOrCollectionInitializerOperation && first.Parent == second.Parent)
            {
                return true;
            }

            var a = (first.Target as IPropertyReferenceOperation)?.Instance;
            var b = (second.Target as IPropertyReferenceOperation)?.Instance;
            if (a is null || b is null || a.IsImplicit || b.IsImplicit)
            {
                return false;
            }

            return SyntaxFactory.AreEquivalent(a.Syntax, b.Syntax);
        }
    }
}
