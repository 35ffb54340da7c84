using System.Diagnostics;
using System.Text;

namespace AsyncPatterns.Analyzers.Tests.EndToEnd;

/// <summary>One run of the dotnet CLI: what it was, how it ended, what it printed.</summary>
public sealed record CliRun(string Name, string CommandLine, int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>The end of the output, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        var all = Output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public string Describe() =>
        $"{Name}: `{CommandLine}` {(TimedOut ? "timed out" : $"exited with {ExitCode}")} after {Elapsed.TotalSeconds:0.0} s";
}

/// <summary>Runs <c>dotnet</c> as a child process with an environment cleaned of what the test host
/// inherited from the outer <c>dotnet test</c> (MSBuild's own variables would point the inner build
/// at the outer one's SDK resolution and nodes).</summary>
internal static class DotnetCli
{
    public static async Task<CliRun> RunAsync(
        string name,
        string workingDirectory,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.Contains("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        // No MSBuild nodes, build server or compiler server left behind: they would outlive the
        // test, hold the output pipes open, and the machine is shared.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Append(string? line, TaskCompletionSource closed)
        {
            if (line is null)
            {
                closed.TrySetResult();
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Append(e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => Append(e.Data, errorClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timedOut = await Task.WhenAny(exited.Task, Task.Delay(timeout)) != exited.Task;
        if (timedOut)
        {
            // Only the process this method started, and its children.
            process.Kill(entireProcessTree: true);
            await Task.WhenAny(exited.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        }

        // The pipes close when the last process holding them exits; a grandchild that outlives the
        // CLI must not hang the test.
        await Task.WhenAny(Task.WhenAll(outputClosed.Task, errorClosed.Task), Task.Delay(TimeSpan.FromSeconds(10)));
        stopwatch.Stop();

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return new CliRun(
            name,
            "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)),
            process.HasExited ? process.ExitCode : -1,
            timedOut,
            stopwatch.Elapsed,
            text);
    }

    private static string DotnetPath()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
