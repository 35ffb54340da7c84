namespace AsyncPatterns.Analyzers.Tests.Meta;

/// <summary>The checkout the tests run from: the folder holding AsyncPatterns.Analyzers.sln, found by
/// walking up from the test assembly (tests/AsyncPatterns.Analyzers.Tests/bin/&lt;config&gt;/net10.0/).</summary>
internal static class RepositoryRoot
{
    public const string SolutionFileName = "AsyncPatterns.Analyzers.sln";

    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFileName)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above '{AppContext.BaseDirectory}' holds {SolutionFileName}; the meta tests read the repository and must run from a checkout.");
    }
}
