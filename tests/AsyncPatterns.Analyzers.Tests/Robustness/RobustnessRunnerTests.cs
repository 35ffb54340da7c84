using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>The robustness harness fails when it should: it records an analyzer's and a fix's
/// exception, and shrinks a failing input; and the input extraction sees through the helpers
/// the rule tests build their sources with.</summary>
public sealed class RobustnessRunnerTests
{
    private static readonly TestInput Input = new("test", string.Empty, [], []);

    [Fact]
    public async Task AnalyzerException_IsRecorded_AndTheInputMinimized()
    {
        const string Source = """
            using System;

            class A { void M() { } }

            class B
            {
                void Boom() { var x = 1; }
            }

            class C { int P => 2; }
            """;
        ImmutableArray<DiagnosticAnalyzer> analyzers = [new ThrowsOnMethodNamedBoom()];

        var failures = await RobustnessRunner.RunEverythingAsync(Input, Source, null, int.MaxValue, CancellationToken.None, analyzers: analyzers);
        var failure = Assert.Single(failures);
        Assert.Equal("analyzer", failure.Stage);
        Assert.Contains("InvalidOperationException", failure.Detail, StringComparison.Ordinal);

        var (smallest, _) = await RobustnessRunner.MinimizeAsync(Input, Source, failure, analyzers: analyzers);
        Assert.Contains("Boom", smallest, StringComparison.Ordinal);
        Assert.DoesNotContain("class A", smallest, StringComparison.Ordinal);
        Assert.DoesNotContain("class C", smallest, StringComparison.Ordinal);
        Assert.True(smallest.Length < Source.Length / 2, smallest);
    }

    [Fact]
    public async Task FixException_IsRecorded()
    {
        var solution = TestSolution.Create([(TestInput.Path, "class C { }")], ReferenceSet.NetOnly);
        var document = RobustnessRunner.MainDocument(solution);
        var tree = await document.GetSyntaxTreeAsync();
        var diagnostic = Diagnostic.Create(new DiagnosticDescriptor("XX0001", "t", "m", "c", DiagnosticSeverity.Warning, true), Location.Create(tree!, new Microsoft.CodeAnalysis.Text.TextSpan(0, 5)));
        var failures = new List<Failure>();
        var actions = await RobustnessRunner.ActionsAsync(new ThrowingFix(), document, diagnostic, failures, CancellationToken.None);
        Assert.Empty(actions);
        Assert.Equal("RegisterCodeFixesAsync", Assert.Single(failures).Stage);
    }

    [Fact]
    public void Extraction_EvaluatesConcatenationsHelpersAndInterpolations()
    {
        const string TestFile = """"
            public class T
            {
                private const string Usings = """
                    using System;
                    """;

                private static string Code(string body, string tail = "// tail") => Usings + "\n" + body + "\n" + tail;

                public void A() => Verify(Code("""
                    class [|C|] { }
                    """));

                public void B(string parameter) => Verify(Usings + $$"""
                    class D { void M() { {{parameter}} } }
                    """.Replace("D", "E"));
            }
            """";
        var strings = TestInputs.StringsIn(TestFile).Select(s => s.Text).ToList();
        Assert.Contains("using System;\nclass [|C|] { }\n// tail", strings);
        Assert.Contains("using System;class E { void M() {  } }", strings);
        Assert.Equal("using System;\nclass C { }\n// tail", TestInputs.StripMarkup("using System;\nclass [|C|] { }\n// tail")!.Text);
    }

    [Fact]
    public void Variants_AreDeterministic()
    {
        var source = TestInputs.All.First().Text;
        var first = Variants.Of(source, 3, 1).ToList();
        var second = Variants.Of(source, 3, 1).ToList();
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    // A test double, never loaded by a compiler: the analyzer-authoring rules do not apply.
#pragma warning disable RS1036, RS1038, RS1041, RS2008
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowsOnMethodNamedBoom : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("XX0001", "t", "m", "c", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxNodeAction(
                c =>
                {
                    if (((Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax)c.Node).Identifier.ValueText == "Boom")
                    {
                        throw new InvalidOperationException("boom");
                    }
                },
                SyntaxKind.MethodDeclaration);
        }
    }

#pragma warning restore RS1036, RS1038, RS1041, RS2008

    private sealed class ThrowingFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ["XX0001"];

        public override Task RegisterCodeFixesAsync(CodeFixContext context) => throw new InvalidOperationException("fix");
    }
}
