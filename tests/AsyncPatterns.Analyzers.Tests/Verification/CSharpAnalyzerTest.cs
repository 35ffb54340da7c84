using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>Runs one analyzer over sources written with markup and compares what it reports, and
/// what the compiler reports, with what the test expects.</summary>
public class CSharpAnalyzerTest<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    private static readonly Lazy<ImmutableArray<DiagnosticDescriptor>> Supported = new(() => new TAnalyzer().SupportedDiagnostics);

    /// <summary>Adds a source (<c>/0/Test{n}.cs</c>) to <see cref="TestState"/>.</summary>
    public string TestCode
    {
        set => TestState.Sources.Add(value);
    }

    public SolutionState TestState { get; } = new();

    public List<DiagnosticResult> ExpectedDiagnostics => TestState.ExpectedDiagnostics;

    public ReferenceSet References { get; set; } = ReferenceSet.Full;

    public CompilerDiagnostics CompilerDiagnostics { get; set; } = CompilerDiagnostics.Errors;

    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.Latest;

    public NullableContextOptions NullableContextOptions { get; set; } = NullableContextOptions.Enable;

    /// <summary>Diagnostic IDs left out of every comparison (actual and expected).</summary>
    public List<string> DisabledDiagnostics { get; } = new();

    internal static ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Supported.Value;

    public virtual async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var state = ParseState(TestState);
        var solution = CreateSolution(state);
        var diagnostics = await AnalyzeAsync(solution.Projects.Single(), "Analyzing the test code", state.Sources, cancellationToken).ConfigureAwait(false);
        VerifyDiagnostics("Analyzing the test code", state, diagnostics);
    }

    internal ParsedState ParseState(SolutionState state)
    {
        var sources = state.Sources.Select(s => Markup.Parse(s.filename, s.content)).ToList();
        return new ParsedState(sources, DiagnosticComparison.ResolveExpected(sources, state.ExpectedDiagnostics, SupportedDiagnostics));
    }

    internal Solution CreateSolution(ParsedState state)
        => TestSolution.Create(
            state.Sources.Select(s => (s.Path, s.Text)),
            References,
            OutputKind,
            LanguageVersion,
            NullableContextOptions,
            TestState.AdditionalFiles,
            TestState.AnalyzerConfigFiles);

    /// <summary>Every diagnostic of the project, from the compiler and from the analyzer; fails on an analyzer exception.</summary>
    internal static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, string step, IReadOnlyList<ParsedSource>? sources, CancellationToken cancellationToken)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The project has no compilation.");
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer()), options)
            .GetAllDiagnosticsAsync(cancellationToken).ConfigureAwait(false);

        foreach (var diagnostic in diagnostics.Where(d => d.Id == "AD0001"))
        {
            exceptions.Enqueue(diagnostic.GetMessage(System.Globalization.CultureInfo.CurrentCulture));
        }

        if (!exceptions.IsEmpty)
        {
            var message = new StringBuilder();
            message.Append(step).AppendLine(": the analyzer threw an exception. An analyzer must not throw on any input.");
            foreach (var exception in exceptions.Distinct())
            {
                message.AppendLine(exception).AppendLine();
            }

            if (sources is not null)
            {
                message.Append(DiagnosticComparison.Annotate(sources, Array.Empty<Annotation>()));
            }
            else
            {
                message.Append(await DescribeSourcesAsync(project, cancellationToken).ConfigureAwait(false));
            }

            throw new VerificationException(message.ToString());
        }

        return diagnostics;
    }

    internal static async Task<string> DescribeSourcesAsync(Project project, CancellationToken cancellationToken)
        => DiagnosticComparison.Annotate(await ReadSourcesAsync(project, cancellationToken).ConfigureAwait(false), Array.Empty<Annotation>());

    internal static async Task<List<ParsedSource>> ReadSourcesAsync(Project project, CancellationToken cancellationToken)
    {
        var sources = new List<ParsedSource>();
        foreach (var document in project.Documents)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            sources.Add(new ParsedSource(DocumentPath(document), text.ToString(), Array.Empty<MarkupSpan>()));
        }

        return sources;
    }

    internal static string DocumentPath(TextDocument document) => document.FilePath ?? document.Name;

    /// <summary>The diagnostics a test must account for: all of the analyzer's, the compiler's at
    /// or above <see cref="CompilerDiagnostics"/>, and any compiler diagnostic whose ID is expected.</summary>
    internal List<Diagnostic> Relevant(IEnumerable<Diagnostic> diagnostics, IReadOnlyList<DiagnosticResult> expected)
    {
        var ours = SupportedDiagnostics.Select(d => d.Id).ToHashSet();
        var expectedIds = expected.Select(e => e.Id).ToHashSet();
        return diagnostics.Where(d =>
                !DisabledDiagnostics.Contains(d.Id)
                && (ours.Contains(d.Id)
                    || expectedIds.Contains(d.Id)
                    || CompilerDiagnostics switch
                    {
                        CompilerDiagnostics.Errors => d.Severity == DiagnosticSeverity.Error,
                        CompilerDiagnostics.Warnings => d.Severity >= DiagnosticSeverity.Warning,
                        _ => false,
                    }))
            .ToList();
    }

    internal void VerifyDiagnostics(string step, ParsedState state, ImmutableArray<Diagnostic> diagnostics)
    {
        var expected = state.Expected.Where(e => !DisabledDiagnostics.Contains(e.Id)).ToList();
        DiagnosticComparison.Verify(step, state.Sources, expected, Relevant(diagnostics, expected), SupportedDiagnostics);
    }
}

/// <summary>A <see cref="SolutionState"/> with its markup parsed and its expectations resolved.</summary>
internal sealed record ParsedState(IReadOnlyList<ParsedSource> Sources, IReadOnlyList<DiagnosticResult> Expected);

/// <summary>Builds the one-project solution every test runs on; also used by the robustness tests.</summary>
internal static class TestSolution
{
    /// <summary>A one-project solution holding <paramref name="sources"/> (markup already removed),
    /// with the compilation options and references a test asks for.</summary>
    public static Solution Create(
        IEnumerable<(string Path, string Text)> sources,
        ReferenceSet references,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        NullableContextOptions nullableContextOptions = NullableContextOptions.Enable,
        IEnumerable<(string Path, string Content)>? additionalFiles = null,
        IEnumerable<(string Path, string Content)>? analyzerConfigFiles = null)
    {
        var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var projectId = ProjectId.CreateNewId("TestProject");
        var compilationOptions = new CSharpCompilationOptions(outputKind, nullableContextOptions: nullableContextOptions);
        var parseOptions = new CSharpParseOptions(languageVersion, DocumentationMode.Parse);
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            name: "TestProject",
            assemblyName: "TestProject",
            language: LanguageNames.CSharp,
            filePath: "/0/TestProject.csproj",
            compilationOptions: compilationOptions,
            parseOptions: parseOptions,
            metadataReferences: references.References));

        foreach (var (path, text) in sources)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId, path), Path.GetFileName(path), SourceText.From(text, Encoding.UTF8), filePath: path);
        }

        foreach (var (path, content) in additionalFiles ?? [])
        {
            solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId, path), Path.GetFileName(path), SourceText.From(content, Encoding.UTF8), filePath: path);
        }

        foreach (var (path, content) in analyzerConfigFiles ?? [])
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId, path), Path.GetFileName(path), SourceText.From(content, Encoding.UTF8), filePath: path);
        }

        return solution;
    }
}
