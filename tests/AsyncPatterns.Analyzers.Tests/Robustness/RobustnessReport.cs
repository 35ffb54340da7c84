using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>The one-line summaries of the robustness runs. <c>dotnet test</c> shows neither a
/// test's console nor its output helper unless the logger is verbose, so the lines also go to
/// <c>robustness-summary.txt</c> next to the test assembly, which <c>build.sh test</c> (and so
/// <c>.ci/run</c>) prints after the run.</summary>
internal static class RobustnessReport
{
    public const string FileName = "robustness-summary.txt";

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
