using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>
    /// The framework types the rules look for, by metadata name, each resolved the first time a
    /// rule asks for it in a compilation. The analyzer assembly never references EF Core or
    /// ASP.NET Core: a type that the compilation does not reference is simply <c>null</c> here,
    /// and the rules that need it register nothing.
    /// </summary>
    /// <remarks>
    /// Lazily, because <see cref="Compilation.GetTypeByMetadataName"/> asks every referenced
    /// assembly (several hundred in an ASP.NET Core app) and is not cached by the compilation;
    /// each rule has its own instance and touches only the few types its callbacks reach.
    /// </remarks>
    internal sealed class KnownTypes
    {
        /// <summary>Marks a type looked up and not found, as opposed to not looked up yet (<c>null</c>).</summary>
        private static readonly object Absent = new object();

        private object? _dbContext;
        private object? _dbSet;
        private object? _dbContextFactory;
        private object? _dbContextOptions;
        private object? _databaseFacade;
        private object? _entityFrameworkQueryableExtensions;
        private object? _relationalQueryableExtensions;
        private object? _relationalDatabaseFacadeExtensions;
        private object? _dbContextTransaction;
        private object? _entityEntry;
        private object? _navigationEntry;
        private object? _entityFrameworkServiceCollectionExtensions;
        private object? _queryable;
        private object? _enumerable;
        private object? _queryableOfT;
        private object? _task;
        private object? _taskOfT;
        private object? _valueTask;
        private object? _valueTaskOfT;
        private object? _cancellationToken;
        private object? _asyncDisposable;
        private object? _lazy;
        private object? _threadLocal;
        private object? _asyncLocal;
        private object? _serviceCollection;
        private object? _serviceCollectionServiceExtensions;
        private object? _serviceCollectionDescriptorExtensions;
        private object? _serviceCollectionHostedServiceExtensions;
        private object? _serviceLifetime;
        private object? _serviceDescriptor;
        private object? _serviceScopeFactory;
        private object? _serviceScope;
        private object? _hostedService;
        private object? _backgroundService;
        private object? _httpContext;
        private object? _requestDelegate;
        private object? _session;
        private object? _distributedCache;
        private object? _distributedCacheExtensions;
        private object? _dbConnection;
        private object? _dbCommand;
        private object? _dbDataReader;
        private object? _dbTransaction;
        private object? _dbBatch;
        private object? _middleware;
        private object? _serviceProviderServiceExtensions;
        private object? _serviceProviderKeyedServiceExtensions;
        private object? _taskFactory;
        private object? _threadPool;
        private object? _thread;
        private object? _controllerBase;
        private object? _pageModel;
        private object? _sessionExtensions;
        private object? _parallel;
        private object? _transactionScope;

        private KnownTypes(Compilation compilation)
        {
            Compilation = compilation;
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
        }

        public Compilation Compilation { get; }

        public INamedTypeSymbol Disposable { get; }

        /// <summary><c>null</c> when the compilation does not reference EF Core: the data-access rules then register nothing.</summary>
        public INamedTypeSymbol? DbContext => Get(ref _dbContext, "Microsoft.EntityFrameworkCore.DbContext");

        public INamedTypeSymbol? DbSet => Get(ref _dbSet, "Microsoft.EntityFrameworkCore.DbSet`1");

        public INamedTypeSymbol? DbContextFactory => Get(ref _dbContextFactory, "Microsoft.EntityFrameworkCore.IDbContextFactory`1");

        public INamedTypeSymbol? DbContextOptions => Get(ref _dbContextOptions, "Microsoft.EntityFrameworkCore.DbContextOptions");

        public INamedTypeSymbol? DatabaseFacade => Get(ref _databaseFacade, "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade");

        public INamedTypeSymbol? EntityFrameworkQueryableExtensions => Get(ref _entityFrameworkQueryableExtensions, "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");

        public INamedTypeSymbol? RelationalQueryableExtensions => Get(ref _relationalQueryableExtensions, "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions");

        public INamedTypeSymbol? RelationalDatabaseFacadeExtensions => Get(ref _relationalDatabaseFacadeExtensions, "Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions");

        public INamedTypeSymbol? DbContextTransaction => Get(ref _dbContextTransaction, "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction");

        public INamedTypeSymbol? EntityEntry => Get(ref _entityEntry, "Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry");

        public INamedTypeSymbol? NavigationEntry => Get(ref _navigationEntry, "Microsoft.EntityFrameworkCore.ChangeTracking.NavigationEntry");

        public INamedTypeSymbol? EntityFrameworkServiceCollectionExtensions => Get(ref _entityFrameworkServiceCollectionExtensions, "Microsoft.Extensions.DependencyInjection.EntityFrameworkServiceCollectionExtensions");

        public INamedTypeSymbol? Queryable => Get(ref _queryable, "System.Linq.Queryable");

        public INamedTypeSymbol? Enumerable => Get(ref _enumerable, "System.Linq.Enumerable");

        public INamedTypeSymbol? QueryableOfT => Get(ref _queryableOfT, "System.Linq.IQueryable`1");

        public INamedTypeSymbol? Task => Get(ref _task, "System.Threading.Tasks.Task");

        public INamedTypeSymbol? TaskOfT => Get(ref _taskOfT, "System.Threading.Tasks.Task`1");

        public INamedTypeSymbol? ValueTask => Get(ref _valueTask, "System.Threading.Tasks.ValueTask");

        public INamedTypeSymbol? ValueTaskOfT => Get(ref _valueTaskOfT, "System.Threading.Tasks.ValueTask`1");

        public INamedTypeSymbol? CancellationToken => Get(ref _cancellationToken, "System.Threading.CancellationToken");

        public INamedTypeSymbol? AsyncDisposable => Get(ref _asyncDisposable, "System.IAsyncDisposable");

        public INamedTypeSymbol? Lazy => Get(ref _lazy, "System.Lazy`1");

        public INamedTypeSymbol? ThreadLocal => Get(ref _threadLocal, "System.Threading.ThreadLocal`1");

        public INamedTypeSymbol? AsyncLocal => Get(ref _asyncLocal, "System.Threading.AsyncLocal`1");

        public INamedTypeSymbol? ServiceCollection => Get(ref _serviceCollection, "Microsoft.Extensions.DependencyInjection.IServiceCollection");

        public INamedTypeSymbol? ServiceCollectionServiceExtensions => Get(ref _serviceCollectionServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions");

        public INamedTypeSymbol? ServiceCollectionDescriptorExtensions => Get(ref _serviceCollectionDescriptorExtensions, "Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions");

        public INamedTypeSymbol? ServiceCollectionHostedServiceExtensions => Get(ref _serviceCollectionHostedServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions");

        public INamedTypeSymbol? ServiceLifetime => Get(ref _serviceLifetime, "Microsoft.Extensions.DependencyInjection.ServiceLifetime");

        public INamedTypeSymbol? ServiceDescriptor => Get(ref _serviceDescriptor, "Microsoft.Extensions.DependencyInjection.ServiceDescriptor");

        public INamedTypeSymbol? ServiceScopeFactory => Get(ref _serviceScopeFactory, "Microsoft.Extensions.DependencyInjection.IServiceScopeFactory");

        public INamedTypeSymbol? ServiceScope => Get(ref _serviceScope, "Microsoft.Extensions.DependencyInjection.IServiceScope");

        public INamedTypeSymbol? HostedService => Get(ref _hostedService, "Microsoft.Extensions.Hosting.IHostedService");

        public INamedTypeSymbol? BackgroundService => Get(ref _backgroundService, "Microsoft.Extensions.Hosting.BackgroundService");

        public INamedTypeSymbol? HttpContext => Get(ref _httpContext, "Microsoft.AspNetCore.Http.HttpContext");

        public INamedTypeSymbol? RequestDelegate => Get(ref _requestDelegate, "Microsoft.AspNetCore.Http.RequestDelegate");

        public INamedTypeSymbol? Session => Get(ref _session, "Microsoft.AspNetCore.Http.ISession");

        public INamedTypeSymbol? DistributedCache => Get(ref _distributedCache, "Microsoft.Extensions.Caching.Distributed.IDistributedCache");

        public INamedTypeSymbol? DistributedCacheExtensions => Get(ref _distributedCacheExtensions, "Microsoft.Extensions.Caching.Distributed.DistributedCacheExtensions");

        public INamedTypeSymbol? DbConnection => Get(ref _dbConnection, "System.Data.Common.DbConnection");

        public INamedTypeSymbol? DbCommand => Get(ref _dbCommand, "System.Data.Common.DbCommand");

        public INamedTypeSymbol? DbDataReader => Get(ref _dbDataReader, "System.Data.Common.DbDataReader");

        public INamedTypeSymbol? DbTransaction => Get(ref _dbTransaction, "System.Data.Common.DbTransaction");

        public INamedTypeSymbol? DbBatch => Get(ref _dbBatch, "System.Data.Common.DbBatch");

        public INamedTypeSymbol? Middleware => Get(ref _middleware, "Microsoft.AspNetCore.Http.IMiddleware");

        public INamedTypeSymbol? ServiceProviderServiceExtensions => Get(ref _serviceProviderServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions");

        public INamedTypeSymbol? ServiceProviderKeyedServiceExtensions => Get(ref _serviceProviderKeyedServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions");

        // Background work (AP1005).
        public INamedTypeSymbol? TaskFactory => Get(ref _taskFactory, "System.Threading.Tasks.TaskFactory");

        public INamedTypeSymbol? ThreadPool => Get(ref _threadPool, "System.Threading.ThreadPool");

        public INamedTypeSymbol? Thread => Get(ref _thread, "System.Threading.Thread");

        // The CancellationToken in scope (Core/CancellationTokens): HttpContext through MVC's and Razor Pages' base classes.
        public INamedTypeSymbol? ControllerBase => Get(ref _controllerBase, "Microsoft.AspNetCore.Mvc.ControllerBase");

        public INamedTypeSymbol? PageModel => Get(ref _pageModel, "Microsoft.AspNetCore.Mvc.RazorPages.PageModel");

        // Session state (AP5001): ISession's GetString/SetString/GetInt32/SetInt32/Get extensions.
        public INamedTypeSymbol? SessionExtensions => Get(ref _sessionExtensions, "Microsoft.AspNetCore.Http.SessionExtensions");

        // Concurrency (AP2001, AP2002).
        public INamedTypeSymbol? Parallel => Get(ref _parallel, "System.Threading.Tasks.Parallel");

        // Transactions (AP4002, AP4003).
        public INamedTypeSymbol? TransactionScope => Get(ref _transactionScope, "System.Transactions.TransactionScope");

        public static KnownTypes Create(Compilation compilation) => new KnownTypes(compilation);

        private INamedTypeSymbol? Get(ref object? slot, string metadataName)
        {
            var value = slot;
            if (value is null)
            {
                // Two threads may both look a type up; they find the same symbol.
                value = (object?)Compilation.GetTypeByMetadataName(metadataName) ?? Absent;
                slot = value;
            }

            return value as INamedTypeSymbol;
        }
    }
}
