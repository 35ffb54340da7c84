using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    internal enum DataAccessKind
    {
        None,

        /// <summary>A terminal operator that runs an EF query (ToList, First, Count, ToListAsync, ForEachAsync...).</summary>
        QueryExecution,

        /// <summary><c>Find</c>/<c>FindAsync</c> on a DbSet or the context: a round trip when the entity is not tracked.</summary>
        Find,
        SaveChanges,

        /// <summary><c>ExecuteUpdate</c>/<c>ExecuteDelete</c>: set-based statements that bypass the change tracker.</summary>
        BulkUpdate,

        /// <summary><c>Database.ExecuteSql*</c>.</summary>
        RawSqlExecution,
        BeginTransaction,
        CommitTransaction,
        RollbackTransaction,

        /// <summary>Explicit loading: <c>Load</c>, <c>Reload</c>, navigation <c>Load</c>, <c>GetDatabaseValues</c>.</summary>
        ExplicitLoad,

        /// <summary><c>Database.Migrate</c>, <c>EnsureCreated</c>, <c>EnsureDeleted</c>.</summary>
        SchemaChange,

        /// <summary><c>IDbContextFactory.CreateDbContext[Async]</c>.</summary>
        ContextCreation,

        /// <summary>
        /// <c>Add</c>, <c>Attach</c>, <c>Update</c>, <c>Remove</c> and their range forms: no I/O, which is why
        /// EF Core recommends the synchronous forms.
        /// </summary>
        ChangeTracking,
    }

    /// <summary>An invocation that talks to EF Core, with the context instance it uses when known.</summary>
    internal sealed class DataAccessOperation
    {
        private readonly DataAccessModel _model;
        private ContextInstance? _context;
        private bool _contextResolved;

        public DataAccessOperation(DataAccessKind kind, bool isAsync, IInvocationOperation invocation, DataAccessModel model)
        {
            Kind = kind;
            IsAsync = isAsync;
            Invocation = invocation;
            _model = model;
        }

        public DataAccessKind Kind { get; }

        public bool IsAsync { get; }

        public IInvocationOperation Invocation { get; }

        /// <summary>
        /// Resolved on first use: most rules decide on the kind alone (an async call, a call that
        /// does no I/O) and never ask, and resolving walks the receiver chain. An operation lives in
        /// one callback, on one thread.
        /// </summary>
        public ContextInstance? Context
        {
            get
            {
                if (!_contextResolved)
                {
                    _context = _model.GetContextInstance(DataAccessModel.GetReceiver(Invocation));
                    _contextResolved = true;
                }

                return _context;
            }
        }

        /// <summary>Whether the operation does a database round trip (everything but change tracking and context creation).</summary>
        public bool DoesIO => Kind != DataAccessKind.None
                              && Kind != DataAccessKind.ChangeTracking
                              && Kind != DataAccessKind.ContextCreation;
    }
}
