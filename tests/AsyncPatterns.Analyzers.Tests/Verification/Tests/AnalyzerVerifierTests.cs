using Microsoft.CodeAnalysis;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpAnalyzerVerifier<
    AsyncPatterns.Analyzers.Tests.Verification.Tests.BadFieldAnalyzer>;

namespace AsyncPatterns.Analyzers.Tests.Verification.Tests;

public class AnalyzerVerifierTests
{
    private const string TwoBadFields = """
        class C
        {
            int BadOne;
            int Fine;
            int BadTwo;
        }
        """;

    [Fact]
    public Task Pass_Markup()
        => VerifyCS.VerifyAnalyzerAsync("""
            class C
            {
                int [|BadOne|];
                int Fine;
                int {|VT0001:BadTwo|};
            }
            """);

    [Fact]
    public Task Pass_DiagnosticResults_InAnyOrder()
        => VerifyCS.VerifyAnalyzerAsync(
            TwoBadFields,
            VerifyCS.Diagnostic().WithSpan(5, 9, 5, 15).WithArguments("BadTwo"),
            VerifyCS.Diagnostic("VT0001").WithSpan(3, 9, 3, 15).WithMessage("Field 'BadOne' is bad"));

    [Fact]
    public Task Pass_LocationKeysAndPositions()
        => VerifyCS.VerifyAnalyzerAsync(
            """
            class C
            {
                int {|#0:BadOne|};
                int BadTwo;
            }
            """,
            VerifyCS.Diagnostic(BadFieldAnalyzer.Rule).WithLocation(0).WithArguments("BadOne"),
            VerifyCS.Diagnostic().WithLocation(4, 9).WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Pass_NestedMarkup()
        => VerifyCS.VerifyAnalyzerAsync(
            """
            class C
            {
                {|#0:int {|VT0001:BadOne|};|}
            }
            """,
            DiagnosticResult.CompilerWarning("CS0169").WithSpan(3, 9, 3, 15).WithArguments("C.BadOne"));

    [Fact]
    public async Task Fail_WrongSpan()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync(
            TwoBadFields,
            VerifyCS.Diagnostic().WithSpan(3, 9, 3, 14),
            VerifyCS.Diagnostic().WithSpan(5, 9, 5, 15)));
        Assert.Contains("Mismatch", e.Message);
        Assert.Contains("(3,9)-(3,15) instead of /0/Test0.cs(3,9)-(3,14)", e.Message);
    }

    [Fact]
    public async Task Fail_WrongPosition()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync(
            TwoBadFields,
            VerifyCS.Diagnostic().WithLocation(3, 8),
            VerifyCS.Diagnostic().WithLocation(5, 9)));
        Assert.Contains("Mismatch", e.Message);
    }

    [Fact]
    public async Task Fail_MissingDiagnostic()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync("""
            class C
            {
                int [|BadOne|];
                int [|Fine|];
            }
            """));
        Assert.Contains("Missing:    VT0001 at /0/Test0.cs(4,9)-(4,13)", e.Message);
        Assert.Contains("~~~~ VT0001 expected here but not reported", e.Message);
    }

    [Fact]
    public async Task Fail_UnexpectedDiagnostic()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync("""
            class C
            {
                int [|BadOne|];
                int BadTwo;
            }
            """));
        Assert.Contains("Unexpected: VT0001 at /0/Test0.cs(4,9)-(4,15)", e.Message);
        Assert.Contains("^^^^^^ VT0001: Field 'BadTwo' is bad    <-- UNEXPECTED", e.Message);
    }

    [Fact]
    public async Task Fail_NoDiagnosticExpected()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync(TwoBadFields));
        Assert.Contains("0 expected, 2 actual", e.Message);
    }

    [Fact]
    public async Task Fail_WrongMessage()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync(
            TwoBadFields,
            VerifyCS.Diagnostic().WithSpan(3, 9, 3, 15).WithArguments("BadOther"),
            VerifyCS.Diagnostic().WithSpan(5, 9, 5, 15)));
        Assert.Contains("message \"Field 'BadOne' is bad\" instead of \"Field 'BadOther' is bad\"", e.Message);
    }

    [Fact]
    public async Task Fail_WrongId()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync("""
            class C
            {
                int {|VT0009:BadOne|};
            }
            """));
        Assert.Contains("Missing:    VT0009", e.Message);
        Assert.Contains("Unexpected: VT0001", e.Message);
    }

    [Fact]
    public async Task Fail_WrongSeverity()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync(
            "class C { int BadOne; }",
            VerifyCS.Diagnostic().WithLocation(1, 15).WithSeverity(DiagnosticSeverity.Error)));
        Assert.Contains("severity Warning instead of Error", e.Message);
    }

    [Fact]
    public async Task FailureMessage_HasAnnotatedSourceAndPasteableResults()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync(TwoBadFields));
        Assert.Contains("    1 | class C", e.Message);
        Assert.Contains("    3 |     int BadOne;", e.Message);
        Assert.Contains("      |         ^^^^^^ VT0001: Field 'BadOne' is bad", e.Message);
        Assert.Contains("// /0/Test0.cs(3,9)-(3,15): warning VT0001: Field 'BadOne' is bad", e.Message);
        Assert.Contains("VerifyCS.Diagnostic().WithSpan(3, 9, 3, 15).WithArguments(\"BadOne\"),", e.Message);
        Assert.Contains("    int [|BadOne|];", e.Message);
    }

    [Fact]
    public async Task Fail_CompilerErrorNotExpected()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync("class C { int M() => x; }"));
        Assert.Contains("Unexpected: CS0103", e.Message);
        Assert.Contains("DiagnosticResult.CompilerError(\"CS0103\").WithSpan(1, 22, 1, 23).WithArguments(\"x\"),", e.Message);
    }

    [Fact]
    public async Task CompilerDiagnostics_CanBeExpected()
    {
        await VerifyCS.VerifyAnalyzerAsync("class C { int M() => {|CS0103:x|}; }");
        await VerifyCS.VerifyAnalyzerAsync("class C { int M() => x; }", DiagnosticResult.CompilerError("CS0103").WithSpan(1, 22, 1, 23).WithArguments("x"));
    }

    [Fact]
    public async Task CompilerDiagnostics_WarningsLevel()
    {
        const string Code = "class C { void M() { int unused; } }";
        await VerifyCS.VerifyAnalyzerAsync(Code);
        var test = new CSharpAnalyzerTest<BadFieldAnalyzer> { TestCode = Code, CompilerDiagnostics = CompilerDiagnostics.Warnings };
        var e = await Assert.ThrowsAnyAsync<Exception>(() => test.RunAsync());
        Assert.Contains("Unexpected: CS0168", e.Message);

        test = new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestCode = "class C { void M() { int {|CS0168:unused|}; } }",
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task Fail_AnalyzerException()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyAnalyzerAsync("class C { int Boom; }"));
        Assert.Contains("the analyzer threw an exception", e.Message);
        Assert.Contains("Boom field found", e.Message);
    }

    [Fact]
    public Task GeneratedCode_IsSkippedByTheAnalyzer()
    {
        var test = new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestState =
            {
                Sources =
                {
                    "class C { int [|BadOne|]; }",
                    ("/0/Generated.g.cs", "class G { int BadTwo; }"),
                    ("/0/Marked.cs", "// <auto-generated/>\nclass H { int BadThree; }"),
                },
            },
        };
        return test.RunAsync();
    }

    [Fact]
    public async Task MultipleDocuments()
    {
        var test = new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestState =
            {
                Sources = { "partial class C { int [|BadOne|]; }", "partial class C { int BadTwo; }" },
                ExpectedDiagnostics = { VerifyCS.Diagnostic().WithSpan("/0/Test1.cs", 1, 23, 1, 29).WithArguments("BadTwo") },
            },
        };
        await test.RunAsync();

        var wrongFile = new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestState =
            {
                Sources = { "partial class C { int [|BadOne|]; }", "partial class C { int BadTwo; }" },
                ExpectedDiagnostics = { VerifyCS.Diagnostic().WithSpan(1, 23, 1, 29).WithArguments("BadTwo") },
            },
        };
        var e = await Assert.ThrowsAnyAsync<Exception>(() => wrongFile.RunAsync());
        Assert.Contains("Source /0/Test1.cs:", e.Message);
        Assert.Contains(".WithSpan(\"/0/Test1.cs\", 1, 23, 1, 29)", e.Message);
    }

    [Fact]
    public async Task EditorConfig_ReachesTheAnalyzer()
    {
        var test = new CSharpAnalyzerTest<OptionAnalyzer>
        {
            TestCode = "class C { int {|#0:OddOne|}; int EvenOne; }",
            TestState =
            {
                AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.test_prefix = Odd") },
            },
            ExpectedDiagnostics = { CSharpAnalyzerVerifier<OptionAnalyzer>.Diagnostic().WithLocation(0).WithArguments("OddOne", "Odd") },
        };
        await test.RunAsync();

        // Without the file, the option is absent and nothing is reported.
        await CSharpAnalyzerVerifier<OptionAnalyzer>.VerifyAnalyzerAsync("class C { int OddOne; }");
    }

    [Fact]
    public Task EditorConfig_SeverityOverride()
        => new CSharpAnalyzerTest<BadFieldAnalyzer>
        {
            TestCode = "class C { int BadOne; }",
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n[*.cs]\ndotnet_diagnostic.VT0001.severity = error") } },
            ExpectedDiagnostics = { VerifyCS.Diagnostic().WithLocation(1, 15).WithSeverity(DiagnosticSeverity.Error) },
        }.RunAsync();

    [Fact]
    public async Task TwoDescriptors()
    {
        Assert.Throws<InvalidOperationException>(() => CSharpAnalyzerVerifier<TwoRuleAnalyzer>.Diagnostic());
        Assert.Throws<InvalidOperationException>(() => CSharpAnalyzerVerifier<TwoRuleAnalyzer>.Diagnostic("VT0001"));

        await CSharpAnalyzerVerifier<TwoRuleAnalyzer>.VerifyAnalyzerAsync(
            """
            class {|#1:C|}
            {
                int {|VT0003:F|};
                void {|#0:M|}() { }
            }
            """,
            CSharpAnalyzerVerifier<TwoRuleAnalyzer>.Diagnostic("VT0004").WithLocation(0).WithLocation(1).WithArguments("M"));

        // '[|...|]' is ambiguous with two descriptors.
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => CSharpAnalyzerVerifier<TwoRuleAnalyzer>.VerifyAnalyzerAsync("class C { int [|F|]; }"));
    }

    [Fact]
    public async Task Fail_AdditionalLocationNotExpected()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => CSharpAnalyzerVerifier<TwoRuleAnalyzer>.VerifyAnalyzerAsync(
            "class C { void M() { } }",
            CSharpAnalyzerVerifier<TwoRuleAnalyzer>.Diagnostic("VT0004").WithSpan(1, 16, 1, 17)));
        Assert.Contains("1 additional locations instead of 0", e.Message);
    }

    [Fact]
    public async Task Fail_InvalidMarkup()
    {
        var e = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => VerifyCS.VerifyAnalyzerAsync("class C { int [|BadOne; }"));
        Assert.Contains("never closed", e.Message);
        e = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => VerifyCS.VerifyAnalyzerAsync("class C { int BadOne; }", VerifyCS.Diagnostic().WithLocation(3)));
        Assert.Contains("{|#3:...|}", e.Message);
    }

    [Fact]
    public void DiagnosticResult_IsImmutable()
    {
        var a = VerifyCS.Diagnostic();
        var b = a.WithLocation(1, 2).WithArguments("x");
        Assert.Empty(a.Locations);
        Assert.Null(a.Message);
        Assert.Single(b.Locations);
        Assert.Equal("Field 'x' is bad", b.Message);
        Assert.Equal(DiagnosticSeverity.Error, DiagnosticResult.CompilerError("CS0001").Severity);
    }
}
