using AsyncPatterns.Analyzers.Configuration;
using AsyncPatterns.Analyzers.Tests.Verification;
using Verify = AsyncPatterns.Analyzers.Tests.Verification.CSharpAnalyzerVerifier<
    AsyncPatterns.Analyzers.Configuration.AP9001InvalidOptionValueAnalyzer>;

namespace AsyncPatterns.Analyzers.Tests.Configuration;

public class AP9001InvalidOptionValueTests
{
    private const string Source = """
        {|#0:using|} System;
        public class C { }
        """;

    private const string Boolean = "'true' or 'false'";
    private const string Duration = "a positive duration: a number and a unit s, m, h or d (for example '30m', '8h', '1d') or a TimeSpan such as '08:00:00'";
    private const string LockMethods = "a comma-separated list of method names, each 'Method' or 'Type.Method' (for example 'AccountRepository.LockAsync, LockRow')";
    private const string ContextTypes = "a comma-separated list of fully-qualified type names (for example 'MyApp.Data.AppDbContextBase, MyApp.Data.IUnitOfWork')";

    private static CSharpAnalyzerTest<AP9001InvalidOptionValueAnalyzer> Test(string editorconfig, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<AP9001InvalidOptionValueAnalyzer> { TestCode = Source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorconfig + "\n"));
        test.ExpectedDiagnostics.AddRange(expected);
        return test;
    }

    [Theory]
    [InlineData("async_patterns.session_preloaded", "maybe", Boolean)]
    [InlineData("async_patterns.session_preloaded", "1", Boolean)]
    [InlineData("async_patterns.max_session_idle", "forever", Duration)]
    [InlineData("async_patterns.max_session_idle", "-5m", Duration)]
    [InlineData("async_patterns.max_session_idle", "0", Duration)]
    [InlineData("async_patterns.lock_methods", "Lock()", LockMethods)]
    [InlineData("async_patterns.lock_methods", "Repo..Take", LockMethods)]
    [InlineData("async_patterns.lock_methods", "Repo.LockAsync, 9Lives", LockMethods)]
    [InlineData("async_patterns.dbcontext_types", "My App.Db", ContextTypes)]
    [InlineData("async_patterns.dbcontext_types", "MyApp.IDb<T>", ContextTypes)]
    public async Task Diagnostic_InvalidValue(string key, string value, string expected)
        => await Test(
            key + " = " + value,
            Verify.Diagnostic().WithLocation(0).WithArguments(key, value, "the .editorconfig options of 'Test0.cs'", expected)).RunAsync();

    [Fact]
    public async Task Diagnostic_Message_NamesKeyValueAndAcceptedValues()
        => await Test(
            "async_patterns.session_preloaded = maybe",
            Verify.Diagnostic().WithLocation(0).WithMessage(
                "'async_patterns.session_preloaded' has the invalid value 'maybe' in the .editorconfig options of 'Test0.cs'; expected 'true' or 'false'")).RunAsync();

    [Theory]
    [InlineData("async_patterns.session_preloaded = TRUE")]
    [InlineData("async_patterns.session_preloaded = false")]
    [InlineData("async_patterns.max_session_idle = 8h")]
    [InlineData("async_patterns.max_session_idle = 1.00:00:00")]
    [InlineData("async_patterns.lock_methods = MyRepo.LockAccountAsync, LockRow,,")]
    [InlineData("async_patterns.lock_methods = Shop.Data.AccountRepository.LockAsync")]
    [InlineData("async_patterns.dbcontext_types = MyApp.Data.IUnitOfWork, MyApp.Data.ContextBase`1, MyApp.Outer+Inner")]
    [InlineData("async_patterns.session_preloaded = ")]
    public async Task NoDiagnostic_ValidOrBlankValue(string line)
        => await Test(line).RunAsync();

    [Fact]
    public async Task NoDiagnostic_OptionsAbsent()
        => await Verify.VerifyAnalyzerAsync(Source.Replace("{|#0:using|}", "using"));

    [Fact]
    public async Task NoDiagnostic_UnknownKeyIsNotOurs()
        => await Test("async_patterns.no_such_option = whatever\ndotnet_diagnostic.AP3001.severity = bogus").RunAsync();

    [Fact]
    public async Task Diagnostic_SeveralInvalidKeys_OneEachPerTree()
        => await Test(
            "async_patterns.session_preloaded = maybe\nasync_patterns.max_session_idle = soon",
            Verify.Diagnostic().WithLocation(0).WithArguments("async_patterns.session_preloaded", "maybe", "the .editorconfig options of 'Test0.cs'", Boolean),
            Verify.Diagnostic().WithLocation(0).WithArguments("async_patterns.max_session_idle", "soon", "the .editorconfig options of 'Test0.cs'", Duration)).RunAsync();

    [Fact]
    public async Task Diagnostic_OncePerTree_OnlyWhereTheSectionApplies()
    {
        var test = new CSharpAnalyzerTest<AP9001InvalidOptionValueAnalyzer>();
        test.TestState.Sources.Add(("/0/Legacy/Old.cs", "{|#0:namespace|} Legacy; public class Old { }"));
        test.TestState.Sources.Add(("/0/Legacy/Older.cs", "{|#1:namespace|} Legacy; public class Older { }"));
        test.TestState.Sources.Add(("/0/Current.cs", "namespace Current; public class Now { }"));
        test.TestState.AnalyzerConfigFiles.Add(("/0/.editorconfig", "root = true\n[*.cs]\nasync_patterns.session_preloaded = true\n[Legacy/*.cs]\nasync_patterns.session_preloaded = maybe\n"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments("async_patterns.session_preloaded", "maybe", "the .editorconfig options of 'Old.cs'", Boolean));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(1).WithArguments("async_patterns.session_preloaded", "maybe", "the .editorconfig options of 'Older.cs'", Boolean));
        await test.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_GlobalDbContextTypes_ReportedOnceOnTheFirstTree()
    {
        var test = new CSharpAnalyzerTest<AP9001InvalidOptionValueAnalyzer>();
        test.TestState.Sources.Add("{|#0:public|} class A { }");
        test.TestState.Sources.Add("public class B { }");
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nasync_patterns.dbcontext_types = My App.Db\n"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments("async_patterns.dbcontext_types", "My App.Db", "the global options (.globalconfig)", ContextTypes));
        await test.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_GlobalPerTreeOption_ReportedOnEveryTree()
    {
        // A .globalconfig applies to every file: each file falls back to the default, each says so.
        var test = new CSharpAnalyzerTest<AP9001InvalidOptionValueAnalyzer>();
        test.TestState.Sources.Add("{|#0:public|} class A { }");
        test.TestState.Sources.Add("{|#1:public|} class B { }");
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nasync_patterns.max_session_idle = 1 week\n"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments("async_patterns.max_session_idle", "1 week", "the global options (.globalconfig)", Duration));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(1).WithArguments("async_patterns.max_session_idle", "1 week", "the global options (.globalconfig)", Duration));
        await test.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_WithoutEfCoreOrAspNetCore()
    {
        // Options are checked whatever the project references.
        var test = Test(
            "async_patterns.session_preloaded = maybe",
            Verify.Diagnostic().WithLocation(0).WithArguments("async_patterns.session_preloaded", "maybe", "the .editorconfig options of 'Test0.cs'", Boolean));
        test.References = ReferenceSet.NetOnly;
        await test.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_EmptyFile_OnTheEndOfFileToken()
    {
        var test = new CSharpAnalyzerTest<AP9001InvalidOptionValueAnalyzer>();
        test.TestState.Sources.Add("{|#0:|}");
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.session_preloaded = maybe\n"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithArguments("async_patterns.session_preloaded", "maybe", "the .editorconfig options of 'Test0.cs'", Boolean));
        await test.RunAsync();
    }
}
