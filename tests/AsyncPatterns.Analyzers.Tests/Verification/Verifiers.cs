using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>The usual entry point for analyzer tests: <c>using VerifyCS = CSharpAnalyzerVerifier&lt;MyAnalyzer&gt;;</c>.</summary>
public static class CSharpAnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>The analyzer's only descriptor; throws when it has several.</summary>
    public static DiagnosticResult Diagnostic() => DescriptorResults<TAnalyzer>.Diagnostic();

    public static DiagnosticResult Diagnostic(string id) => DescriptorResults<TAnalyzer>.Diagnostic(id);

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => DescriptorResults<TAnalyzer>.Diagnostic(descriptor);

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer> { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}

/// <summary>The usual entry point for code-fix tests: <c>using VerifyCS = CSharpCodeFixVerifier&lt;MyAnalyzer, MyCodeFix&gt;;</c>.</summary>
public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>The analyzer's only descriptor; throws when it has several.</summary>
    public static DiagnosticResult Diagnostic() => DescriptorResults<TAnalyzer>.Diagnostic();

    public static DiagnosticResult Diagnostic(string id) => DescriptorResults<TAnalyzer>.Diagnostic(id);

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => DescriptorResults<TAnalyzer>.Diagnostic(descriptor);

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
        => CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, expected);

    /// <summary>Diagnostics by markup only; <paramref name="fixedSource"/> equal to
    /// <paramref name="source"/> means that no fix is offered.</summary>
    public static Task VerifyCodeFixAsync(string source, string fixedSource)
        => VerifyCodeFixAsync(source, Array.Empty<DiagnosticResult>(), fixedSource);

    public static Task VerifyCodeFixAsync(string source, DiagnosticResult expected, string fixedSource)
        => VerifyCodeFixAsync(source, new[] { expected }, fixedSource);

    public static Task VerifyCodeFixAsync(string source, DiagnosticResult[] expected, string fixedSource)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix> { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}

/// <summary>Shared by the verifiers: the analyzer's descriptors as <see cref="DiagnosticResult"/>s.</summary>
internal static class DescriptorResults<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic()
    {
        var supported = CSharpAnalyzerTest<TAnalyzer>.SupportedDiagnostics;
        if (supported.Length != 1)
        {
            throw new InvalidOperationException(
                $"{typeof(TAnalyzer).Name} supports {supported.Length} diagnostics ({string.Join(", ", supported.Select(d => d.Id))}); use Diagnostic(id) or Diagnostic(descriptor).");
        }

        return new DiagnosticResult(supported[0]);
    }

    public static DiagnosticResult Diagnostic(string id)
    {
        var descriptor = CSharpAnalyzerTest<TAnalyzer>.SupportedDiagnostics.FirstOrDefault(d => d.Id == id)
            ?? throw new InvalidOperationException(
                $"{typeof(TAnalyzer).Name} does not support {id}; it supports {string.Join(", ", CSharpAnalyzerTest<TAnalyzer>.SupportedDiagnostics.Select(d => d.Id))}. For a compiler diagnostic use DiagnosticResult.CompilerError/CompilerWarning.");
        return new DiagnosticResult(descriptor);
    }

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);
}
