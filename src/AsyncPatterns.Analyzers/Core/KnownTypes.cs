using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// The framework types the rules look for, resolved once per compilation by metadata name.
    /// The analyzer assembly never references EF Core or ASP.NET Core: a type that the compilation
    /// does not reference is simply <c>null</c> here, and the rules that need it register nothing.
    /// </summary>
    internal sealed class KnownTypes
    {
        private KnownTypes(Compilation compilation)
        {
            Compilation = compilation;
            DbContext = Get(compilation, "Microsoft.EntityFrameworkCore.DbContext");
            DbSet = Get(compilation, "Microsoft.EntityFrameworkCore.DbSet`1");
            DbContextFactory = Get(compilation, "Microsoft.EntityFrameworkCore.IDbContextFactory`1");
            DbContextOptions = Get(compilation, "Microsoft.EntityFrameworkCore.DbContextOptions");
            DatabaseFacade = Get(compilation, "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade");
            EntityFrameworkQueryableExtensions = Get(compilation, "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
            RelationalQueryableExtensions = Get(compilation, "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions");
            RelationalDatabaseFacadeExtensions = Get(compilation, "Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions");
            DbContextTransaction = Get(compilation, "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction");
            EntityEntry = Get(compilation, "Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry");
            NavigationEntry = Get(compilation, "Microsoft.EntityFrameworkCore.ChangeTracking.NavigationEntry");
            EntityFrameworkServiceCollectionExtensions = Get(compilation, "Microsoft.Extensions.DependencyInjection.EntityFrameworkServiceCollectionExtensions");

            Queryable = Get(compilation, "System.Linq.Queryable");
            Enumerable = Get(compilation, "System.Linq.Enumerable");
            QueryableOfT = Get(compilation, "System.Linq.IQueryable`1");
            Task = Get(compilation, "System.Threading.Tasks.Task");
            TaskOfT = Get(compilation, "System.Threading.Tasks.Task`1");
            ValueTask = Get(compilation, "System.Threading.Tasks.ValueTask");
            ValueTaskOfT = Get(compilation, "System.Threading.Tasks.ValueTask`1");
            CancellationToken = Get(compilation, "System.Threading.CancellationToken");
            AsyncDisposable = Get(compilation, "System.IAsyncDisposable");
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            Lazy = Get(compilation, "System.Lazy`1");
            ThreadLocal = Get(compilation, "System.Threading.ThreadLocal`1");
            AsyncLocal = Get(compilation, "System.Threading.AsyncLocal`1");

            ServiceCollection = Get(compilation, "Microsoft.Extensions.DependencyInjection.IServiceCollection");
            ServiceCollectionServiceExtensions = Get(compilation, "Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions");
            ServiceCollectionDescriptorExtensions = Get(compilation, "Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions");
            ServiceCollectionHostedServiceExtensions = Get(compilation, "Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions");
            ServiceLifetime = Get(compilation, "Microsoft.Extensions.DependencyInjection.ServiceLifetime");
            ServiceDescriptor = Get(compilation, "Microsoft.Extensions.DependencyInjection.ServiceDescriptor");
            ServiceScopeFactory = Get(compilation, "Microsoft.Extensions.DependencyInjection.IServiceScopeFactory");
            ServiceScope = Get(compilation, "Microsoft.Extensions.DependencyInjection.IServiceScope");
            HostedService = Get(compilation, "Microsoft.Extensions.Hosting.IHostedService");
            BackgroundService = Get(compilation, "Microsoft.Extensions.Hosting.BackgroundService");
            HttpContext = Get(compilation, "Microsoft.AspNetCore.Http.HttpContext");
            RequestDelegate = Get(compilation, "Microsoft.AspNetCore.Http.RequestDelegate");
            Session = Get(compilation, "Microsoft.AspNetCore.Http.ISession");
            DistributedCache = Get(compilation, "Microsoft.Extensions.Caching.Distributed.IDistributedCache");
            DistributedCacheExtensions = Get(compilation, "Microsoft.Extensions.Caching.Distributed.DistributedCacheExtensions");
            DbConnection = Get(compilation, "System.Data.Common.DbConnection");
            DbCommand = Get(compilation, "System.Data.Common.DbCommand");
            DbDataReader = Get(compilation, "System.Data.Common.DbDataReader");
            DbTransaction = Get(compilation, "System.Data.Common.DbTransaction");
            DbBatch = Get(compilation, "System.Data.Common.DbBatch");
            Middleware = Get(compilation, "Microsoft.AspNetCore.Http.IMiddleware");
            ServiceProviderServiceExtensions = Get(compilation, "Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions");
            ServiceProviderKeyedServiceExtensions = Get(compilation, "Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions");

            // Background work (AP1005).
            TaskFactory = Get(compilation, "System.Threading.Tasks.TaskFactory");
            ThreadPool = Get(compilation, "System.Threading.ThreadPool");
            Thread = Get(compilation, "System.Threading.Thread");

            // The CancellationToken in scope (Core/CancellationTokens): HttpContext through MVC's and Razor Pages' base classes.
            ControllerBase = Get(compilation, "Microsoft.AspNetCore.Mvc.ControllerBase");
            PageModel = Get(compilation, "Microsoft.AspNetCore.Mvc.RazorPages.PageModel");

            // Session state (AP5001): ISession's GetString/SetString/GetInt32/SetInt32/Get extensions.
            SessionExtensions = Get(compilation, "Microsoft.AspNetCore.Http.SessionExtensions");
            // Concurrency (AP2001, AP2002).
            Parallel = Get(compilation, "System.Threading.Tasks.Parallel");
            // Transactions (AP4002, AP4003).
            TransactionScope = Get(compilation, "System.Transactions.TransactionScope");
        }

        public Compilation Compilation { get; }

        /// <summary><c>null</c> when the compilation does not reference EF Core: the data-access rules then register nothing.</summary>
        public INamedTypeSymbol? DbContext { get; }
        public INamedTypeSymbol? DbSet { get; }
        public INamedTypeSymbol? DbContextFactory { get; }
        public INamedTypeSymbol? DbContextOptions { get; }
        public INamedTypeSymbol? DatabaseFacade { get; }
        public INamedTypeSymbol? EntityFrameworkQueryableExtensions { get; }
        public INamedTypeSymbol? RelationalQueryableExtensions { get; }
        public INamedTypeSymbol? RelationalDatabaseFacadeExtensions { get; }
        public INamedTypeSymbol? DbContextTransaction { get; }
        public INamedTypeSymbol? EntityEntry { get; }
        public INamedTypeSymbol? NavigationEntry { get; }
        public INamedTypeSymbol? EntityFrameworkServiceCollectionExtensions { get; }

        public INamedTypeSymbol? Queryable { get; }
        public INamedTypeSymbol? Enumerable { get; }
        public INamedTypeSymbol? QueryableOfT { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskOfT { get; }
        public INamedTypeSymbol? ValueTask { get; }
        public INamedTypeSymbol? ValueTaskOfT { get; }
        public INamedTypeSymbol? CancellationToken { get; }
        public INamedTypeSymbol? AsyncDisposable { get; }
        public INamedTypeSymbol Disposable { get; }
        public INamedTypeSymbol? Lazy { get; }
        public INamedTypeSymbol? ThreadLocal { get; }
        public INamedTypeSymbol? AsyncLocal { get; }

        public INamedTypeSymbol? ServiceCollection { get; }
        public INamedTypeSymbol? ServiceCollectionServiceExtensions { get; }
        public INamedTypeSymbol? ServiceCollectionDescriptorExtensions { get; }
        public INamedTypeSymbol? ServiceCollectionHostedServiceExtensions { get; }
        public INamedTypeSymbol? ServiceLifetime { get; }
        public INamedTypeSymbol? ServiceDescriptor { get; }
        public INamedTypeSymbol? ServiceScopeFactory { get; }
        public INamedTypeSymbol? ServiceScope { get; }
        public INamedTypeSymbol? HostedService { get; }
        public INamedTypeSymbol? BackgroundService { get; }
        public INamedTypeSymbol? HttpContext { get; }
        public INamedTypeSymbol? RequestDelegate { get; }
        public INamedTypeSymbol? Session { get; }
        public INamedTypeSymbol? DistributedCache { get; }
        public INamedTypeSymbol? DistributedCacheExtensions { get; }
        public INamedTypeSymbol? DbConnection { get; }
        public INamedTypeSymbol? DbCommand { get; }
        public INamedTypeSymbol? DbDataReader { get; }
        public INamedTypeSymbol? DbTransaction { get; }
        public INamedTypeSymbol? DbBatch { get; }
        public INamedTypeSymbol? Middleware { get; }
        public INamedTypeSymbol? ServiceProviderServiceExtensions { get; }
        public INamedTypeSymbol? ServiceProviderKeyedServiceExtensions { get; }

        public INamedTypeSymbol? TaskFactory { get; }
        public INamedTypeSymbol? ThreadPool { get; }
        public INamedTypeSymbol? Thread { get; }

        public INamedTypeSymbol? ControllerBase { get; }
        public INamedTypeSymbol? PageModel { get; }

        public INamedTypeSymbol? SessionExtensions { get; }
        public INamedTypeSymbol? Parallel { get; }
        public INamedTypeSymbol? TransactionScope { get; }

        /// <summary>Returns <c>null</c> when the compilation does not reference EF Core.</summary>
        /// <summary>
        /// Resolves every known type once. Any of them may be absent: the EF Core rules need
        /// <see cref="DbContext"/> (see <see cref="DataAccessModel.Create"/>), the session and cache
        /// rules only their ASP.NET Core types, so an app without EF Core still gets those.
        /// </summary>
        public static KnownTypes Create(Compilation compilation) => new KnownTypes(compilation);

        private static INamedTypeSymbol? Get(Compilation compilation, string metadataName)
            => compilation.GetTypeByMetadataName(metadataName);
    }
}
