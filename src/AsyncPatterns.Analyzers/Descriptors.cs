using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers
{
    /// <summary>Every descriptor of the package, built by one factory so that help links, tags and
    /// categories cannot drift apart.</summary>
    public static class Descriptors
    {
        public const string HelpLinkBase = "https://github.com/asyncpatterns/AsyncPatterns.Analyzers/blob/main/docs/rules/";

        public static class Categories
        {
            public const string Lifetime = "Lifetime";
            public const string Concurrency = "Concurrency";
            public const string Tasks = "Tasks";
            public const string Transactions = "Transactions";
            public const string Sessions = "Sessions";
        }

        public static readonly DiagnosticDescriptor AP1001StaticDbContext = Create(
            DiagnosticIds.StaticDbContext,
            "DbContext held in static state",
            "'{0}' keeps a DbContext in static state, shared by every request and thread; inject {1} through the constructor instead",
            Categories.Lifetime,
            DiagnosticSeverity.Warning,
            "A DbContext is not thread-safe and tracks every entity it loads. Kept in a static field or property it is shared by all requests at once and grows without bound.");

        public static readonly DiagnosticDescriptor AP1002SingletonDbContext = Create(
            DiagnosticIds.SingletonDbContext,
            "DbContext registered as singleton",
            "'{0}' is registered as a singleton, so one instance serves every request concurrently; {1}",
            Categories.Lifetime,
            DiagnosticSeverity.Error,
            "A DbContext registered with a singleton lifetime is shared by concurrent requests, which EF Core does not support. Register it as scoped, or register a factory with AddDbContextFactory.");

        public static readonly DiagnosticDescriptor AP1003UndisposedDbContext = Create(
            DiagnosticIds.UndisposedDbContext,
            "DbContext created and never disposed",
            "DbContext '{0}' is created here and never disposed; declare it with '{1}'",
            Categories.Lifetime,
            DiagnosticSeverity.Warning,
            "A DbContext that is not disposed keeps its connection and its change tracker until the garbage collector finds it; under load the connection pool runs dry.");

        public static readonly DiagnosticDescriptor AP1004CapturedDbContext = Create(
            DiagnosticIds.CapturedDbContext,
            "Scoped DbContext captured by a longer-lived component",
            "'{0}' is a scoped DbContext captured by {1} '{2}'; {3}",
            Categories.Lifetime,
            DiagnosticSeverity.Warning,
            "A singleton, a hosted service or a conventional middleware is created once; a DbContext it takes in its constructor lives as long as it does and is shared by every unit of work.");

        public static readonly DiagnosticDescriptor AP1005EscapingDbContext = Create(
            DiagnosticIds.EscapingDbContext,
            "DbContext or deferred query escapes its scope",
            "{0} uses DbContext '{1}' after its scope ends; {2}",
            Categories.Lifetime,
            DiagnosticSeverity.Warning,
            "A deferred query or background work that uses a DbContext after the using block, the DI scope or the request that owns it has ended fails with ObjectDisposedException, or races with the next user of the context.");

        private static DiagnosticDescriptor Create(
            string id,
            string title,
            string messageFormat,
            string category,
            DiagnosticSeverity severity,
            string description)
        {
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                severity,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: HelpLinkBase + id + ".md",
                customTags: new string[0]);
        }
    }
}
