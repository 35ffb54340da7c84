using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>Every analyzer and code fix the two product assemblies hold, found by reflection, so
/// that a rule merged from another branch is covered by the robustness tests without listing it.</summary>
internal static class RuleCatalog
{
    public static Assembly AnalyzerAssembly { get; } = typeof(Descriptors).Assembly;

    public static Assembly CodeFixAssembly { get; } = Assembly.Load("AsyncPatterns.CodeFixes");

    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> LazyAnalyzers = new(() =>
        ConcreteSubtypes(AnalyzerAssembly, typeof(DiagnosticAnalyzer))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray());

    private static readonly Lazy<ImmutableArray<CodeFixProvider>> LazyCodeFixes = new(() =>
        ConcreteSubtypes(CodeFixAssembly, typeof(CodeFixProvider))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray());

    /// <summary>One instance of every concrete analyzer, shared by all runs: analyzers hold no
    /// state (the hygiene tests check it), exactly as the compiler shares them.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => LazyAnalyzers.Value;

    public static ImmutableArray<CodeFixProvider> CodeFixes => LazyCodeFixes.Value;

    public static bool IsOurs(string id) => OurIds.Value.Contains(id);

    private static readonly Lazy<ImmutableHashSet<string>> OurIds = new(() =>
        Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToImmutableHashSet());

    public static IEnumerable<CodeFixProvider> FixesFor(string id) => CodeFixes.Where(f => f.FixableDiagnosticIds.Contains(id));

    public static IEnumerable<Type> ConcreteSubtypes(Assembly assembly, Type baseType)
        => LoadableTypes(assembly)
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && baseType.IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    public static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException exception)
        {
            return exception.Types.Where(t => t is not null)!;
        }
    }
}
