using Microsoft.CodeAnalysis.CodeFixes;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Tests.Verification.Tests.BadFieldAnalyzer,
    AsyncPatterns.Analyzers.Tests.Verification.Tests.RenameBadFieldFix>;

namespace AsyncPatterns.Analyzers.Tests.Verification.Tests;

public class CodeFixVerifierTests
{
    private const string Source = """
        class C
        {
            // keep me
            int [|BadOne|];
            int Fine;
            int [|BadTwo|]; // and me
        }
        """;

    private const string Fixed = """
        class C
        {
            // keep me
            int GoodOne;
            int Fine;
            int GoodTwo; // and me
        }
        """;

    [Fact]
    public Task Pass_Fix()
        => VerifyCS.VerifyCodeFixAsync(Source, Fixed);

    [Fact]
    public Task Pass_Fix_WithDiagnosticResults()
        => VerifyCS.VerifyCodeFixAsync(
            "class C { int BadOne; }",
            VerifyCS.Diagnostic().WithSpan(1, 15, 1, 21).WithArguments("BadOne"),
            "class C { int GoodOne; }");

    [Fact]
    public Task Pass_IterationCounts()
        => new CSharpCodeFixTest<BadFieldAnalyzer, RenameBadFieldFix>
        {
            TestCode = Source,
            FixedCode = Fixed,
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
        }.RunAsync();

    [Fact]
    public async Task Fail_WrongIterationCount()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => new CSharpCodeFixTest<BadFieldAnalyzer, RenameBadFieldFix>
        {
            TestCode = Source,
            FixedCode = Fixed,
            NumberOfIncrementalIterations = 1,
        }.RunAsync());
        Assert.Contains("2 iterations, expected exactly 1", e.Message);
    }

    [Fact]
    public Task Pass_ChooseActionByEquivalenceKey()
        => new CSharpCodeFixTest<BadFieldAnalyzer, RenameBadFieldFix>
        {
            TestCode = "class C { int [|BadOne|]; int [|BadTwo|]; }",
            FixedCode = "class C { int FineOne; int FineTwo; }",
            CodeActionEquivalenceKey = "VT0001.Fine",
        }.RunAsync();

    [Fact]
    public Task Pass_ChooseActionByIndex()
        => new CSharpCodeFixTest<BadFieldAnalyzer, RenameBadFieldFix>
        {
            TestCode = "class C { int [|BadOne|]; }",
            FixedCode = "class C { int FineOne; }",
            CodeActionIndex = 1,
        }.RunAsync();

    [Fact]
    public Task Pass_RemainingDiagnosticInFixedMarkup()
        => VerifyCS.VerifyCodeFixAsync(
            "class C { int [|BadOne|]; int [|BadUnfixable|]; }",
            "class C { int GoodOne; int [|BadUnfixable|]; }");

    [Fact]
    public async Task Fail_RemainingDiagnosticNotExpected()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyCodeFixAsync(
            "class C { int [|BadOne|]; int [|BadUnfixable|]; }",
            "class C { int GoodOne; int BadUnfixable; }"));
        Assert.Contains("Applying the fix one diagnostic at a time, remaining diagnostics", e.Message);
        Assert.Contains("Unexpected: VT0001", e.Message);
    }

    [Fact]
    public Task Pass_NoFixOffered()
        => VerifyCS.VerifyCodeFixAsync("class C { int [|BadUnfixable|]; }", "class C { int [|BadUnfixable|]; }");

    [Fact]
    public async Task Fail_FixOfferedWhenNoneExpected()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyCodeFixAsync("class C { int [|BadOne|]; }", "class C { int [|BadOne|]; }"));
        Assert.Contains("no fix may be offered", e.Message);
        Assert.Contains("'Rename to GoodOne'", e.Message);
    }

    [Fact]
    public async Task Fail_NoFixableDiagnostic()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyCodeFixAsync("class C { int Fine; }", "class C { int Finer; }"));
        Assert.Contains("no diagnostic RenameBadFieldFix can fix", e.Message);
    }

    [Fact]
    public async Task Fail_WrongFixedCode()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyCodeFixAsync(Source, Fixed.Replace("GoodTwo", "GoodToo", StringComparison.Ordinal)));
        Assert.Contains("the fixed code is not as expected", e.Message);
        Assert.Contains("-    6      |     int GoodToo; // and me", e.Message);
        Assert.Contains("+         6 |     int GoodTwo; // and me", e.Message);
    }

    [Fact]
    public async Task Fail_WhitespaceDifferenceIsVisible()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => VerifyCS.VerifyCodeFixAsync("class C { int [|BadOne|]; }", "class C { int  GoodOne; }"));
        Assert.Contains("differ only in whitespace", e.Message);
        Assert.Contains("class·C·{·int··GoodOne;·}", e.Message);
    }

    [Fact]
    public async Task Fail_FixDoesNotCompile()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => CSharpCodeFixVerifier<BadFieldAnalyzer, BrokenFix>.VerifyCodeFixAsync(
            "class C { int [|BadOne|]; }",
            "class C { Missing GoodOne; }"));
        Assert.Contains("compiler diagnostics the test code did not have", e.Message);
        Assert.Contains("CS0246: 0 before, 1 after", e.Message);
        Assert.Contains("    1 | class C { Missing GoodOne; }", e.Message);
        Assert.Contains("^^^^^^^ CS0246", e.Message);
    }

    [Fact]
    public Task Pass_BrokenFixWithCompileCheckSkipped()
        => new CSharpCodeFixTest<BadFieldAnalyzer, BrokenFix>
        {
            TestCode = "class C { int [|BadOne|]; }",
            FixedCode = "class C { {|CS0246:Missing|} GoodOne; }",
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipCompileCheck,
        }.RunAsync();

    [Fact]
    public async Task Fail_LoopingFix()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => CSharpCodeFixVerifier<BadFieldAnalyzer, LoopingFix>.VerifyCodeFixAsync(
            "class C { int [|BadA|]; }",
            "class C { int BadB; }"));
        Assert.Contains("the fix loops", e.Message);
    }

    [Fact]
    public async Task Fail_NeverConvergingFix()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => CSharpCodeFixVerifier<BadFieldAnalyzer, GrowingFix>.VerifyCodeFixAsync(
            "class C { int [|BadA|]; }",
            "class C { int BadA1; }"));
        Assert.Contains("never converges", e.Message);
    }

    [Fact]
    public async Task Fail_NoFixAllProvider()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => CSharpCodeFixVerifier<BadFieldAnalyzer, NoFixAllFix>.VerifyCodeFixAsync(
            "class C { int [|BadOne|]; }",
            "class C { int GoodOne; }"));
        Assert.Contains("every fix must support Fix All", e.Message);

        await new CSharpCodeFixTest<BadFieldAnalyzer, NoFixAllFix>
        {
            TestCode = "class C { int [|BadOne|]; }",
            FixedCode = "class C { int GoodOne; }",
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllCheck,
        }.RunAsync();
    }

    [Fact]
    public Task Pass_MultipleDocuments()
        => new CSharpCodeFixTest<BadFieldAnalyzer, RenameBadFieldFix>
        {
            TestState = { Sources = { "partial class C { int [|BadOne|]; }", "partial class C { int [|BadTwo|]; int [|BadThree|]; }", "class D { }" } },
            FixedState = { Sources = { "partial class C { int GoodOne; }", "partial class C { int GoodTwo; int GoodThree; }", "class D { }" } },
            NumberOfIncrementalIterations = 3,
            NumberOfFixAllIterations = 1,
            NumberOfFixAllInDocumentIterations = 2,
        }.RunAsync();

    [Fact]
    public async Task Fail_FixAllDiffersFromBatchFixedCode()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => new CSharpCodeFixTest<BadFieldAnalyzer, RenameBadFieldFix>
        {
            TestCode = Source,
            FixedCode = Fixed,
            BatchFixedCode = Fixed.Replace("GoodTwo", "GoodToo", StringComparison.Ordinal),
        }.RunAsync());
        Assert.Contains("Fix All in Document scope: the fixed code is not as expected", e.Message);
    }

    [Fact]
    public Task Pass_FormatterAndSimplifierRun()
        => CSharpCodeFixVerifier<BadFieldAnalyzer, FormattingFix>.VerifyCodeFixAsync(
            """
            using System.Threading.Tasks;

            class C
            {
                // keep me
                int [|BadOne|]; // and me
            }
            """,
            """
            using System.Threading.Tasks;

            class C
            {
                // keep me
                private Task? GoodOne; // and me
            }
            """);

    [Fact]
    public async Task Fail_WrongEquivalenceKey()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => new CSharpCodeFixTest<BadFieldAnalyzer, RenameBadFieldFix>
        {
            TestCode = "class C { int [|BadOne|]; }",
            FixedCode = "class C { int GoodOne; }",
            CodeActionEquivalenceKey = "VT0001.Nope",
        }.RunAsync());
        Assert.Contains("is offered for none of the fixable diagnostics", e.Message);
        Assert.Contains("[1] 'Rename to FineOne' (key 'VT0001.Fine')", e.Message);
    }

    [Fact]
    public async Task Fail_FixThrows()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => CSharpCodeFixVerifier<BadFieldAnalyzer, ThrowingFix>.VerifyCodeFixAsync(
            "class C { int [|BadOne|]; }",
            "class C { int GoodOne; }"));
        Assert.Contains("ThrowingFix.RegisterCodeFixesAsync threw", e.Message);
        Assert.Contains("fix exploded", e.Message);
        Assert.Contains("    1 | class C { int BadOne; }", e.Message);
    }
}
