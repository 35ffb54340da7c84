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
            public const string Configuration = "Configuration";
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

        public static readonly DiagnosticDescriptor AP2001ConcurrentContextOperations = Create(
            DiagnosticIds.ConcurrentContextOperations,
            "Concurrent operations on one DbContext",
            "{0} on DbContext '{1}'; EF Core allows one operation at a time per context, so {2}",
            Categories.Concurrency,
            DiagnosticSeverity.Error,
            "A DbContext allows one operation at a time. A second query, save or Find started while another one on the same context is still running throws InvalidOperationException (\"A second operation was started on this context instance...\") or corrupts its state. Await the operations one after another, or give each its own context from IDbContextFactory<T>.");

        public static readonly DiagnosticDescriptor AP2002IndependentSequentialQueries = Create(
            DiagnosticIds.IndependentSequentialQueries,
            "Independent sequential queries could run concurrently",
            "'{0}' does not depend on the query before it but waits for it; {1}",
            Categories.Concurrency,
            DiagnosticSeverity.Info,
            "Read-only queries that do not use each other's results can run at the same time on separate contexts, so the request waits for the slowest instead of the sum. This only pays when the connection pool and the database have room for the extra connections.");

        public static readonly DiagnosticDescriptor AP3001DanglingTask = Create(
            DiagnosticIds.DanglingTask,
            "Dangling Task",
            "{0} is never awaited, so the caller neither sees its exceptions nor waits for it to finish; {1}",
            Categories.Tasks,
            DiagnosticSeverity.Warning,
            "A Task that nobody awaits hides its exceptions and keeps running after the request, the scope or the DbContext it uses is gone. Await it, or discard it explicitly with '_ =' when fire-and-forget is intended.");

        public static readonly DiagnosticDescriptor AP3002SyncEfIoInAsyncMethod = Create(
            DiagnosticIds.SyncEfIoInAsyncMethod,
            "Synchronous EF Core I/O in an async method",
            "'{0}' blocks a thread on database I/O inside async {1} '{2}'; use '{3}'",
            Categories.Tasks,
            DiagnosticSeverity.Warning,
            "Synchronous EF Core calls hold a thread-pool thread for the whole database round trip; inside async code that starves the pool under load. EF Core offers an awaited async counterpart for every operation that does I/O.");

        public static readonly DiagnosticDescriptor AP3003BlockingOnAsyncCall = Create(
            DiagnosticIds.BlockingOnAsyncCall,
            "Blocking on an async data-access call",
            "'{0}' blocks on the asynchronous data-access call '{1}'; await it instead",
            Categories.Tasks,
            DiagnosticSeverity.Warning,
            "Blocking with .Result, .Wait() or .GetAwaiter().GetResult() on an asynchronous database, session or cache call holds a thread for the whole I/O and can deadlock where a synchronization context exists.");

        public static readonly DiagnosticDescriptor AP3004CancellationTokenNotForwarded = Create(
            DiagnosticIds.CancellationTokenNotForwarded,
            "CancellationToken not forwarded to EF Core",
            "'{0}' is called without the CancellationToken '{1}' that is in scope; pass it so the query stops when the caller gives up",
            Categories.Tasks,
            DiagnosticSeverity.Info,
            "An EF Core async call without the request's or the host's CancellationToken keeps running, and holds its connection, after the client disconnected or the host began shutting down.");

        public static readonly DiagnosticDescriptor AP5001SessionAccessedBeforeLoad = Create(
            DiagnosticIds.SessionAccessedBeforeLoad,
            "Session accessed before `await LoadAsync()`",
            "'{0}' is used before 'await {0}.LoadAsync()', so ASP.NET Core loads it synchronously and blocks a thread on the session store; await '{0}.LoadAsync()' first",
            Categories.Sessions,
            DiagnosticSeverity.Warning,
            "ASP.NET Core's distributed session loads its data lazily: the first read or write of the session before LoadAsync fetches it from the IDistributedCache synchronously. In async code, await ISession.LoadAsync before the first access.");

        public static readonly DiagnosticDescriptor AP5004SyncDistributedCacheCall = Create(
            DiagnosticIds.SyncDistributedCacheCall,
            "Synchronous IDistributedCache call in async code",
            "'{0}' blocks a thread on the distributed cache inside async {1} '{2}'; use 'await {3}'",
            Categories.Sessions,
            DiagnosticSeverity.Warning,
            "A distributed cache (Redis, SQL Server, PostgreSQL) is a network round trip. Its synchronous methods hold a thread-pool thread for the whole round trip; inside async code, await the async counterpart instead.");
        public static readonly DiagnosticDescriptor AP4001UnorderedRowLocks = Create(
            DiagnosticIds.UnorderedRowLocks,
            "Row locks acquired in an order not guaranteed consistent",
            "Row locks on '{0}' are taken {1}; acquire in ascending key order",
            Categories.Transactions,
            DiagnosticSeverity.Warning,
            "Two transactions that lock the same rows in opposite orders wait for each other until the database aborts one with a deadlock error. Taking every row lock in ascending key order, in every code path, makes that cycle impossible.");
        public static readonly DiagnosticDescriptor AP4002SaveChangesWithoutTransaction = Create(
            DiagnosticIds.SaveChangesWithoutTransaction,
            "Several SaveChanges without an explicit transaction",
            "'{0}' commits {1} separately, so a failure part-way leaves the earlier changes saved; wrap them in one explicit transaction",
            Categories.Transactions,
            DiagnosticSeverity.Warning,
            "Each SaveChanges, ExecuteUpdate, ExecuteDelete and ExecuteSql call commits on its own when no transaction is open. A unit of work that saves several times keeps the first saves when a later one fails.");

        public static readonly DiagnosticDescriptor AP4003TransactionNotDisposedOrCommitted = Create(
            DiagnosticIds.TransactionNotDisposedOrCommitted,
            "Transaction not disposed or not committed",
            "Transaction '{0}' {1}; {2}",
            Categories.Transactions,
            DiagnosticSeverity.Warning,
            "A transaction that is not disposed keeps its connection and its locks until the context is disposed; one that is not committed on a path that ends normally is rolled back silently, losing the work done in it.");
        public static readonly DiagnosticDescriptor AP5002InsecureSessionCookie = Create(
            DiagnosticIds.InsecureSessionCookie,
            "Insecure session cookie options",
            "'{0}' {1}; {2}",
            Categories.Sessions,
            DiagnosticSeverity.Warning,
            "The session cookie and the authentication cookie are bearer credentials: whoever holds them is the user. Keep them HttpOnly and Secure, never SameSite=None without Secure, and let idle sessions expire.");

        public static readonly DiagnosticDescriptor AP5003HardCodedSecretKey = Create(
            DiagnosticIds.HardCodedSecretKey,
            "Hard-coded secret key",
            "{0} is a hard-coded secret used as {1}; read it from configuration or a secret store",
            Categories.Sessions,
            DiagnosticSeverity.Warning,
            "A signing or encryption key written in source is in every copy of the repository and every build; anyone who reads it can forge tokens or decrypt data, and it cannot be rotated without a release. Read keys from configuration backed by a secret store.");

        public static readonly DiagnosticDescriptor AP9001InvalidOptionValue = Create(
            DiagnosticIds.InvalidOptionValue,
            "Invalid AsyncPatterns option value",
            "'{0}' has the invalid value '{1}' in {2}; expected {3}",
            Categories.Configuration,
            DiagnosticSeverity.Warning,
            "An async_patterns.* option in .editorconfig or .globalconfig does not parse. The option falls back to its default for the files it applies to; correct the value so the rules read it as intended.");

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
