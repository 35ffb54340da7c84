using System.Globalization;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>A list of (path, content) pairs; <c>Add(string)</c> names the file
/// <c>/0/Test{n}.cs</c> (or the list's own extension), as Microsoft.CodeAnalysis.Testing does.</summary>
public sealed class SourceFileList : List<(string filename, string content)>
{
    private readonly string _prefix;
    private readonly string _extension;

    public SourceFileList(string prefix, string extension)
    {
        _prefix = prefix;
        _extension = extension;
    }

    public void Add(string content) => Add((_prefix + Count.ToString(CultureInfo.InvariantCulture) + _extension, content));
}

/// <summary>The sources, configuration files and expected diagnostics of one state of a test
/// (before the fix, after it, after Fix All).</summary>
public sealed class SolutionState
{
    /// <summary>C# sources; may hold markup.</summary>
    public SourceFileList Sources { get; } = new("/0/Test", ".cs");

    /// <summary>Additional files (<c>AdditionalFiles</c> items), no markup.</summary>
    public SourceFileList AdditionalFiles { get; } = new("/0/Test", ".txt");

    /// <summary>.editorconfig/.globalconfig files, e.g.
    /// <c>("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.x = y")</c>. Only the test state's
    /// are used: a fix does not change them.</summary>
    public List<(string path, string content)> AnalyzerConfigFiles { get; } = new();

    /// <summary>Diagnostics expected besides those given by markup.</summary>
    public List<DiagnosticResult> ExpectedDiagnostics { get; } = new();
}
