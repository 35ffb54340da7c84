namespace AsyncPatterns.Analyzers
{
    /// <summary>The rule IDs: the public contract of the package. Never reuse or renumber one.</summary>
    public static class DiagnosticIds
    {
        public const string StaticDbContext = "AP1001";
        public const string SingletonDbContext = "AP1002";
        public const string UndisposedDbContext = "AP1003";
        public const string CapturedDbContext = "AP1004";
        public const string EscapingDbContext = "AP1005";
        public const string ConcurrentContextOperations = "AP2001";
        public const string IndependentSequentialQueries = "AP2002";
        public const string DanglingTask = "AP3001";
        public const string SyncEfIoInAsyncMethod = "AP3002";
        public const string BlockingOnAsyncCall = "AP3003";
        public const string CancellationTokenNotForwarded = "AP3004";
        public const string SessionAccessedBeforeLoad = "AP5001";
        public const string SyncDistributedCacheCall = "AP5004";
        public const string UnorderedRowLocks = "AP4001";
        public const string SaveChangesWithoutTransaction = "AP4002";
        public const string TransactionNotDisposedOrCommitted = "AP4003";
        public const string InsecureSessionCookie = "AP5002";
        public const string HardCodedSecretKey = "AP5003";
        public const string InvalidOptionValue = "AP9001";
    }
}
