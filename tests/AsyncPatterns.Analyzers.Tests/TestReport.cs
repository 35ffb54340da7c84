using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests;

/// <summary>The one-line figures of the robustness and runtime tests (variants tried, deadlocks
/// before and after a fix...). <c>dotnet test</c> shows neither a test's console nor its output
/// helper unless the logger is verbose, so the lines also go to <c>test-report.txt</c> next to
/// the test assembly, which <c>build.sh test</c> (and so <c>.ci/run</c>) prints after the run.</summary>
internal static class TestReport
{
    public const string FileName = "test-report.txt";

    private static readonly Lock FileLock = new();

    public static void Write(ITestOutputHelper output, string line)
    {
        Console.WriteLine(line);
        output.WriteLine(line);
        lock (FileLock)
        {
            File.AppendAllText(Path.Combine(AppContext.BaseDirectory, FileName), line + Environment.NewLine);
        }
    }
}
