using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.Analyzers.Benchmarks;

/// <summary>What one run of one package measured.</summary>
internal sealed record PackageRun(
    double WallMs,
    double CpuMs,
    long AllocatedBytes,
    ImmutableDictionary<Type, double> ExecutionMs,
    ImmutableDictionary<Type, int> Diagnostics,
    int Exceptions,
    ImmutableArray<string> ExceptionSamples)
{
    public double TotalExecutionMs => ExecutionMs.Values.Sum();
}

internal sealed record CompileRun(double WallMs, double CpuMs, long AllocatedBytes);

internal sealed record CompileCheck(int Errors, int Warnings, ImmutableArray<string> FirstErrors, int Methods);

/// <summary>Runs the compiler, or the compiler with one package's analyzers, on a fresh
/// compilation of the same syntax trees each time, so no run profits from another's caches.</summary>
internal sealed class Runner(ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references)
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        concurrentBuild: false);

    public static ImmutableArray<MetadataReference> LoadReferences()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "user-code-references.txt");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"'{file}' is missing; the WriteUserCodeReferences target writes it at build time.");
        }

        return File.ReadAllLines(file).Where(l => l.Length > 0).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    public static ImmutableArray<SyntaxTree> Parse(IReadOnlyList<(string Path, string Text)> sources)
        => sources.Select(s => CSharpSyntaxTree.ParseText(SourceText.From(s.Text, System.Text.Encoding.UTF8), ParseOptions, "/src/" + s.Path)).ToImmutableArray();

    public static void Dump(IReadOnlyList<(string Path, string Text)> sources, string directory)
    {
        foreach (var (path, text) in sources)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }

    public static bool IsEnabledByDefault(DiagnosticAnalyzer analyzer)
        => analyzer.SupportedDiagnostics.Any(d => d.IsEnabledByDefault);

    private CSharpCompilation Fresh() => CSharpCompilation.Create("Shop", trees, references, CompilationOptions);

    public CompileCheck CheckCompiles()
    {
        var diagnostics = Fresh().GetDiagnostics();
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var methods = trees.Sum(t => t.GetRoot().DescendantNodes().Count(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax));
        return new CompileCheck(errors.Count, diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning), errors.Take(5).Select(e => e.ToString()).ToImmutableArray(), methods);
    }

    /// <summary>The compiler alone: binding and every compiler diagnostic (no emit).</summary>
    public CompileRun Compile()
    {
        var compilation = Fresh();
        Settle();
        var allocated = GC.GetTotalAllocatedBytes(true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        _ = compilation.GetDiagnostics();
        watch.Stop();
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        return new CompileRun(watch.Elapsed.TotalMilliseconds, cpuMs, GC.GetTotalAllocatedBytes(true) - allocated);
    }

    /// <summary>The analyzer driver with one analyzer whose only action (per semantic model) does
    /// nothing: what every package pays before its first callback (the compiler's binding of every
    /// tree through the driver's event queue).
    /// A package's wall time and allocations are reported over this baseline.</summary>
    public PackageRun RunBaseline() => Run(ImmutableArray.Create<DiagnosticAnalyzer>(new NothingAnalyzer()));

    public PackageRun RunPackage(AnalyzerPackage package) => Run(package.Analyzers);

    /// <summary>
    /// The driver's price of one action that does nothing, per kind of action our rules register:
    /// what a rule pays in telemetry before its own code runs (the driver's dispatch, the
    /// telemetry's clock), once per operation of that kind. Each kind is its own analyzer, run
    /// together, so each gets its own figure; the callbacks are counted.
    /// </summary>
    public ImmutableArray<FloorFigure> RunFloor()
    {
        var analyzers = FloorAnalyzer.Kinds.Select(k => new FloorAnalyzer(k)).ToImmutableArray();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false);
        var compilation = Fresh();
        _ = compilation.GetSpecialType(SpecialType.System_Object);
        Settle();
        var withAnalyzers = compilation.WithAnalyzers(analyzers.CastArray<DiagnosticAnalyzer>(), options);
        _ = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return analyzers
            .Select(a => new FloorFigure(a.Kind, a.Callbacks, withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds))
            .ToImmutableArray();
    }

    /// <summary>One analyzer type alone: its allocations (and wall time) over the baseline's.</summary>
    public PackageRun RunAlone(IEnumerable<DiagnosticAnalyzer> analyzers) => Run(analyzers.ToImmutableArray());

    private PackageRun Run(ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var exceptions = new ConcurrentBag<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => exceptions.Add($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);
        var compilation = Fresh();

        // The compilation binds its references (a few hundred assemblies) the first time anything
        // asks for a symbol. In a build the compiler has done so before any analyzer runs; here the
        // first compilation-start action would pay for it, whichever package it belongs to.
        _ = compilation.GetSpecialType(SpecialType.System_Object);
        Settle();
        var allocated = GC.GetTotalAllocatedBytes(true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        watch.Stop();
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var bytes = GC.GetTotalAllocatedBytes(true) - allocated;

        var times = ImmutableDictionary.CreateBuilder<Type, double>();
        foreach (var analyzer in analyzers)
        {
            var telemetry = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult();
            times[analyzer.GetType()] = (times.TryGetValue(analyzer.GetType(), out var t) ? t : 0) + telemetry.ExecutionTime.TotalMilliseconds;
        }

        // A diagnostic belongs to the first analyzer that declares its ID.
        var owner = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var analyzer in analyzers)
        {
            foreach (var descriptor in analyzer.SupportedDiagnostics)
            {
                owner.TryAdd(descriptor.Id, analyzer.GetType());
            }
        }

        var counts = analyzers.Select(a => a.GetType()).Distinct().ToDictionary(t => t, _ => 0);
        foreach (var diagnostic in diagnostics)
        {
            if (owner.TryGetValue(diagnostic.Id, out var type))
            {
                counts[type]++;
            }
        }

        return new PackageRun(watch.Elapsed.TotalMilliseconds, cpuMs, bytes, times.ToImmutable(), counts.ToImmutableDictionary(), exceptions.Count, exceptions.Distinct().Take(3).ToImmutableArray());
    }

    /// <summary>
    /// Every diagnostic of the package on this code base, one sorted line each (ID, location,
    /// message, properties): two builds of the analyzers compared line by line show whether a change
    /// kept their behaviour.
    /// </summary>
    public IEnumerable<string> ListDiagnostics(AnalyzerPackage package)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = Fresh().WithAnalyzers(package.Analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return diagnostics
            .Select(d => $"{d.Id} {d.Location.GetLineSpan()} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} {string.Join(";", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))}")
            .Order(StringComparer.Ordinal);
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

#pragma warning disable RS1001, RS1012, RS1025, RS1026, RS2008 // placeholder analyzers that only measure the driver
    private sealed class NothingAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Descriptor = new("BENCH0000", "baseline", "baseline", "Benchmark", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSemanticModelAction(static _ => { });
        }
    }

    /// <summary>One action of one kind that only counts its callbacks.</summary>
    private sealed class FloorAnalyzer(string kind) : DiagnosticAnalyzer
    {
        public static readonly ImmutableArray<string> Kinds =
        [
            nameof(OperationKind.ObjectCreation), nameof(OperationKind.Invocation), nameof(OperationKind.PropertyReference),
            nameof(OperationKind.LocalReference), nameof(OperationKind.SimpleAssignment), nameof(OperationKind.ExpressionStatement),
            nameof(OperationKind.VariableDeclarator), nameof(OperationKind.Return), nameof(OperationKind.Block),
            nameof(OperationKind.AnonymousFunction), nameof(OperationKind.Loop), "OperationBlockStart", "NamedTypeSymbol",
            nameof(OperationKind.Invocation) + "#2",
        ];

        private static readonly DiagnosticDescriptor Descriptor = new("BENCH0001", "floor", "floor", "Benchmark", DiagnosticSeverity.Warning, true);

        private int _callbacks;

        public string Kind { get; } = kind;

        public int Callbacks => _callbacks;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            switch (Kind)
            {
                case "OperationBlockStart":
                    context.RegisterOperationBlockStartAction(_ => Interlocked.Increment(ref _callbacks));
                    break;
                case "NamedTypeSymbol":
                    context.RegisterSymbolAction(_ => Interlocked.Increment(ref _callbacks), SymbolKind.NamedType);
                    break;
                default:
                    context.RegisterOperationAction(_ => Interlocked.Increment(ref _callbacks), Enum.Parse<OperationKind>(Kind.Split('#')[0]));
                    break;
            }
        }
    }
#pragma warning restore RS1001, RS1012, RS1025, RS1026, RS2008
}

/// <summary>One kind of action's callbacks and their telemetry time, doing nothing.</summary>
internal sealed record FloorFigure(string Kind, int Callbacks, double Ms);

/// <summary>Every repetition at one size.</summary>
internal sealed class SizeResult(int files, int trees, CompileCheck check)
{
    public int Files { get; } = files;

    public int Trees { get; } = trees;

    public CompileCheck Check { get; } = check;

    public List<CompileRun> Compile { get; } = [];

    public List<PackageRun> Baseline { get; } = [];

    public ImmutableArray<FloorFigure> Floor { get; set; } = [];

    public Dictionary<string, List<PackageRun>> Packages { get; } = new(StringComparer.Ordinal);

    /// <summary>With --isolate-ours: each of our analyzer types run alone.</summary>
    public Dictionary<Type, List<PackageRun>> Isolated { get; } = [];

    public string LoadBefore { get; set; } = "";

    public string LoadAfter { get; set; } = "";

    public void Add(AnalyzerPackage package, PackageRun run)
    {
        if (!Packages.TryGetValue(package.Name, out var list))
        {
            Packages[package.Name] = list = [];
        }

        list.Add(run);
    }
}
