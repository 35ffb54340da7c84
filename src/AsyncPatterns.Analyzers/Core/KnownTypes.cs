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
    /// Lazily, and in the assembly that defines the type first (<see cref="MetadataTypes"/>),
    /// because <see cref="Compilation.GetTypeByMetadataName"/> asks every referenced assembly
    /// (several hundred in an ASP.NET Core app) and is not cached by the compilation; each rule
    /// has its own instance and touches only the few types its callbacks reach.
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
        private object? _taskAsyncEnumerableExtensions;

        private KnownTypes(Compilation compilation)
        {
            Compilation = compilation;
            Lookups = new MetadataTypes(compilation);
            Disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
        }

        public Compilation Compilation { get; }

        /// <summary>Where each type is looked up: its home assembly first.</summary>
        public MetadataTypes Lookups { get; }

        public INamedTypeSymbol Disposable { get; }

        /// <summary><c>null</c> when the compilation does not reference EF Core: the data-access rules then register nothing.</summary>
        public INamedTypeSymbol? DbContext => Get(ref _dbContext, "Microsoft.EntityFrameworkCore.DbContext", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? DbSet => Get(ref _dbSet, "Microsoft.EntityFrameworkCore.DbSet`1", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? DbContextFactory => Get(ref _dbContextFactory, "Microsoft.EntityFrameworkCore.IDbContextFactory`1", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? DbContextOptions => Get(ref _dbContextOptions, "Microsoft.EntityFrameworkCore.DbContextOptions", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? DatabaseFacade => Get(ref _databaseFacade, "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? EntityFrameworkQueryableExtensions => Get(ref _entityFrameworkQueryableExtensions, "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? RelationalQueryableExtensions => Get(ref _relationalQueryableExtensions, "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions", "Microsoft.EntityFrameworkCore.Relational");

        public INamedTypeSymbol? RelationalDatabaseFacadeExtensions => Get(ref _relationalDatabaseFacadeExtensions, "Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions", "Microsoft.EntityFrameworkCore.Relational");

        public INamedTypeSymbol? DbContextTransaction => Get(ref _dbContextTransaction, "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? EntityEntry => Get(ref _entityEntry, "Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? NavigationEntry => Get(ref _navigationEntry, "Microsoft.EntityFrameworkCore.ChangeTracking.NavigationEntry", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? EntityFrameworkServiceCollectionExtensions => Get(ref _entityFrameworkServiceCollectionExtensions, "Microsoft.Extensions.DependencyInjection.EntityFrameworkServiceCollectionExtensions", "Microsoft.EntityFrameworkCore");

        public INamedTypeSymbol? Queryable => Get(ref _queryable, "System.Linq.Queryable", "System.Linq.Queryable");

        public INamedTypeSymbol? Enumerable => Get(ref _enumerable, "System.Linq.Enumerable", "System.Linq");

        public INamedTypeSymbol? QueryableOfT => Get(ref _queryableOfT, "System.Linq.IQueryable`1", "System.Linq.Expressions");

        public INamedTypeSymbol? Task => Get(ref _task, "System.Threading.Tasks.Task", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? TaskOfT => Get(ref _taskOfT, "System.Threading.Tasks.Task`1", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? ValueTask => Get(ref _valueTask, "System.Threading.Tasks.ValueTask", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? ValueTaskOfT => Get(ref _valueTaskOfT, "System.Threading.Tasks.ValueTask`1", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? CancellationToken => Get(ref _cancellationToken, "System.Threading.CancellationToken", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? AsyncDisposable => Get(ref _asyncDisposable, "System.IAsyncDisposable", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? Lazy => Get(ref _lazy, "System.Lazy`1", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? ThreadLocal => Get(ref _threadLocal, "System.Threading.ThreadLocal`1", "System.Threading");

        public INamedTypeSymbol? AsyncLocal => Get(ref _asyncLocal, "System.Threading.AsyncLocal`1", "System.Threading");

        public INamedTypeSymbol? ServiceCollection => Get(ref _serviceCollection, "Microsoft.Extensions.DependencyInjection.IServiceCollection", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? ServiceCollectionServiceExtensions => Get(ref _serviceCollectionServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? ServiceCollectionDescriptorExtensions => Get(ref _serviceCollectionDescriptorExtensions, "Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? ServiceCollectionHostedServiceExtensions => Get(ref _serviceCollectionHostedServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions", "Microsoft.Extensions.Hosting.Abstractions");

        public INamedTypeSymbol? ServiceLifetime => Get(ref _serviceLifetime, "Microsoft.Extensions.DependencyInjection.ServiceLifetime", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? ServiceDescriptor => Get(ref _serviceDescriptor, "Microsoft.Extensions.DependencyInjection.ServiceDescriptor", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? ServiceScopeFactory => Get(ref _serviceScopeFactory, "Microsoft.Extensions.DependencyInjection.IServiceScopeFactory", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? ServiceScope => Get(ref _serviceScope, "Microsoft.Extensions.DependencyInjection.IServiceScope", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? HostedService => Get(ref _hostedService, "Microsoft.Extensions.Hosting.IHostedService", "Microsoft.Extensions.Hosting.Abstractions");

        public INamedTypeSymbol? BackgroundService => Get(ref _backgroundService, "Microsoft.Extensions.Hosting.BackgroundService", "Microsoft.Extensions.Hosting.Abstractions");

        public INamedTypeSymbol? HttpContext => Get(ref _httpContext, "Microsoft.AspNetCore.Http.HttpContext", "Microsoft.AspNetCore.Http.Abstractions");

        public INamedTypeSymbol? RequestDelegate => Get(ref _requestDelegate, "Microsoft.AspNetCore.Http.RequestDelegate", "Microsoft.AspNetCore.Http.Abstractions");

        public INamedTypeSymbol? Session => Get(ref _session, "Microsoft.AspNetCore.Http.ISession", "Microsoft.AspNetCore.Http.Features");

        public INamedTypeSymbol? DistributedCache => Get(ref _distributedCache, "Microsoft.Extensions.Caching.Distributed.IDistributedCache", "Microsoft.Extensions.Caching.Abstractions");

        public INamedTypeSymbol? DistributedCacheExtensions => Get(ref _distributedCacheExtensions, "Microsoft.Extensions.Caching.Distributed.DistributedCacheExtensions", "Microsoft.Extensions.Caching.Abstractions");

        public INamedTypeSymbol? DbConnection => Get(ref _dbConnection, "System.Data.Common.DbConnection", "System.Data.Common");

        public INamedTypeSymbol? DbCommand => Get(ref _dbCommand, "System.Data.Common.DbCommand", "System.Data.Common");

        public INamedTypeSymbol? DbDataReader => Get(ref _dbDataReader, "System.Data.Common.DbDataReader", "System.Data.Common");

        public INamedTypeSymbol? DbTransaction => Get(ref _dbTransaction, "System.Data.Common.DbTransaction", "System.Data.Common");

        public INamedTypeSymbol? DbBatch => Get(ref _dbBatch, "System.Data.Common.DbBatch", "System.Data.Common");

        public INamedTypeSymbol? Middleware => Get(ref _middleware, "Microsoft.AspNetCore.Http.IMiddleware", "Microsoft.AspNetCore.Http.Abstractions");

        public INamedTypeSymbol? ServiceProviderServiceExtensions => Get(ref _serviceProviderServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions", "Microsoft.Extensions.DependencyInjection.Abstractions");

        public INamedTypeSymbol? ServiceProviderKeyedServiceExtensions => Get(ref _serviceProviderKeyedServiceExtensions, "Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions", "Microsoft.Extensions.DependencyInjection.Abstractions");

        // Background work (AP1005).
        public INamedTypeSymbol? TaskFactory => Get(ref _taskFactory, "System.Threading.Tasks.TaskFactory", MetadataTypes.CoreLibrary);

        public INamedTypeSymbol? ThreadPool => Get(ref _threadPool, "System.Threading.ThreadPool", "System.Threading.ThreadPool");

        public INamedTypeSymbol? Thread => Get(ref _thread, "System.Threading.Thread", "System.Threading.Thread");

        // The CancellationToken in scope (Core/CancellationTokens): HttpContext through MVC's and Razor Pages' base classes.
        public INamedTypeSymbol? ControllerBase => Get(ref _controllerBase, "Microsoft.AspNetCore.Mvc.ControllerBase", "Microsoft.AspNetCore.Mvc.Core");

        public INamedTypeSymbol? PageModel => Get(ref _pageModel, "Microsoft.AspNetCore.Mvc.RazorPages.PageModel", "Microsoft.AspNetCore.Mvc.RazorPages");

        // Session state (AP5001): ISession's GetString/SetString/GetInt32/SetInt32/Get extensions.
        public INamedTypeSymbol? SessionExtensions => Get(ref _sessionExtensions, "Microsoft.AspNetCore.Http.SessionExtensions", "Microsoft.AspNetCore.Http.Extensions");

        // Concurrency (AP2001, AP2002).
        public INamedTypeSymbol? Parallel => Get(ref _parallel, "System.Threading.Tasks.Parallel", "System.Threading.Tasks.Parallel");

        // Transactions (AP4002, AP4003).
        public INamedTypeSymbol? TransactionScope => Get(ref _transactionScope, "System.Transactions.TransactionScope", "System.Transactions.Local");

        // ConfigureAwait/WithCancellation on an IAsyncEnumerable (the fixes of AP3002's foreach).
        public INamedTypeSymbol? TaskAsyncEnumerableExtensions => Get(ref _taskAsyncEnumerableExtensions, "System.Threading.Tasks.TaskAsyncEnumerableExtensions", MetadataTypes.CoreLibrary);

        public static KnownTypes Create(Compilation compilation) => new KnownTypes(compilation);

        private INamedTypeSymbol? Get(ref object? slot, string metadataName, string homeAssembly)
        {
            var value = slot;
            if (value is null)
            {
                // Two threads may both look a type up; they find the same symbol.
                value = (object?)Lookups.Find(metadataName, homeAssembly) ?? Absent;
                slot = value;
            }

            return value as INamedTypeSymbol;
        }
    }
}
