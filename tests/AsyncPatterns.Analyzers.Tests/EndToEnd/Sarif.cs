using System.Text.Json;

namespace AsyncPatterns.Analyzers.Tests.EndToEnd;

/// <summary>One diagnostic of a compiler error log, its file relative to the sample copy's root.</summary>
public sealed record LoggedDiagnostic(string Id, string Level, string File, int Line, string Message)
{
    public bool IsOurs => Id.StartsWith("AP", StringComparison.Ordinal) && Id.Length == 6 && Id[2..].All(char.IsAsciiDigit);

    public override string ToString() => $"{File}({Line}): {Level} {Id}: {Message}";
}

/// <summary>Reads the SARIF 2.1 log the compiler writes with <c>-p:ErrorLog=file,version=2.1</c>. It
/// holds every reported diagnostic, info level included (the console hides those).</summary>
internal static class Sarif
{
    public static IReadOnlyList<LoggedDiagnostic> Read(string path, string root)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var diagnostics = new List<LoggedDiagnostic>();
        foreach (var run in document.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (!run.TryGetProperty("results", out var results))
            {
                continue;
            }

            foreach (var result in results.EnumerateArray())
            {
                if (result.TryGetProperty("suppressions", out var suppressions) && suppressions.GetArrayLength() > 0)
                {
                    continue;
                }

                var id = result.TryGetProperty("ruleId", out var rule) ? rule.GetString() ?? "" : "";
                // SARIF's default level is "warning": the property may be left out for it.
                var level = result.TryGetProperty("level", out var l) ? l.GetString() ?? "warning" : "warning";
                var message = result.TryGetProperty("message", out var m) && m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
                var file = "";
                var line = 0;
                if (result.TryGetProperty("locations", out var locations) && locations.GetArrayLength() > 0
                    && locations[0].TryGetProperty("physicalLocation", out var physical))
                {
                    if (physical.TryGetProperty("artifactLocation", out var artifact) && artifact.TryGetProperty("uri", out var uri))
                    {
                        file = Relative(uri.GetString() ?? "", root);
                    }

                    if (physical.TryGetProperty("region", out var region) && region.TryGetProperty("startLine", out var start))
                    {
                        line = start.GetInt32();
                    }
                }

                diagnostics.Add(new LoggedDiagnostic(id, level, file, line, message));
            }
        }

        return diagnostics;
    }

    private static string Relative(string uri, string root)
    {
        var path = Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.IsFile ? absolute.LocalPath : uri;
        return Path.IsPathRooted(path) ? Path.GetRelativePath(root, path).Replace('\\', '/') : path;
    }
}
