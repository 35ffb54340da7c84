using AsyncPatterns.Analyzers.Sessions;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Sessions;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Sessions.AP5001SessionAccessedBeforeLoadAnalyzer,
    AsyncPatterns.CodeFixes.Sessions.AP5001SessionAccessedBeforeLoadCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Sessions;

public sealed class AP5001SessionAccessedBeforeLoadTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.AspNetCore.Mvc.RazorPages;
        using Microsoft.AspNetCore.Routing;

        """;

    // ---- Bad shapes -------------------------------------------------------------------------

    [Fact]
    public async Task Diagnostic_MinimalApiHandler_ReadsAndWritesBeforeLoad()
    {
        var source = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapGet("/visits", async (HttpContext ctx) =>
                    {
                        var n = ctx.Session.{|#0:GetInt32|}("n") ?? 0;
                        ctx.Session.SetInt32("n", n + 1);
                        await Task.Yield();
                        return n;
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapGet("/visits", async (HttpContext ctx) =>
                    {
                        await ctx.Session.LoadAsync(ctx.RequestAborted);
                        var n = ctx.Session.GetInt32("n") ?? 0;
                        ctx.Session.SetInt32("n", n + 1);
                        await Task.Yield();
                        return n;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, VerifyCS.Diagnostic().WithLocation(0).WithArguments("ctx.Session"), fixedSource);
    }

    [Fact]
    public async Task Diagnostic_ControllerAction_HttpContextSession_UsesTokenParameter()
    {
        var source = Usings + """
            public class CartController : Controller
            {
                public async Task<IActionResult> Index(CancellationToken cancellationToken)
                {
                    var cart = HttpContext.Session.{|#0:GetString|}("cart");
                    await Task.Delay(1, cancellationToken);
                    return Content(cart ?? "");
                }
            }
            """;
        var fixedSource = Usings + """
            public class CartController : Controller
            {
                public async Task<IActionResult> Index(CancellationToken cancellationToken)
                {
                    await HttpContext.Session.LoadAsync(cancellationToken);
                    var cart = HttpContext.Session.GetString("cart");
                    await Task.Delay(1, cancellationToken);
                    return Content(cart ?? "");
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, VerifyCS.Diagnostic().WithLocation(0).WithArguments("HttpContext.Session"), fixedSource);
    }

    [Fact]
    public async Task Diagnostic_ControllerAction_WithoutToken_UsesRequestAborted()
    {
        var source = Usings + """
            public class CartController : Controller
            {
                public async Task<IActionResult> Clear()
                {
                    HttpContext.Session.[|Clear|]();
                    await Task.Yield();
                    return Ok();
                }
            }
            """;
        var fixedSource = Usings + """
            public class CartController : Controller
            {
                public async Task<IActionResult> Clear()
                {
                    await HttpContext.Session.LoadAsync(HttpContext.RequestAborted);
                    HttpContext.Session.Clear();
                    await Task.Yield();
                    return Ok();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_LocalAlias()
    {
        var source = Usings + """
            public class VisitsModel : PageModel
            {
                public int Visits { get; private set; }

                public async Task OnGetAsync()
                {
                    var session = HttpContext.Session;
                    Visits = session.{|#0:GetInt32|}("visits") ?? 0;
                    session.SetInt32("visits", Visits + 1);
                    await Task.Yield();
                }
            }
            """;
        var fixedSource = Usings + """
            public class VisitsModel : PageModel
            {
                public int Visits { get; private set; }

                public async Task OnGetAsync()
                {
                    var session = HttpContext.Session;
                    await session.LoadAsync(HttpContext.RequestAborted);
                    Visits = session.GetInt32("visits") ?? 0;
                    session.SetInt32("visits", Visits + 1);
                    await Task.Yield();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, VerifyCS.Diagnostic().WithLocation(0).WithArguments("session"), fixedSource);
    }

    [Fact]
    public async Task Diagnostic_InjectedHttpContextAccessor()
    {
        var source = Usings + """
            public class CartService(IHttpContextAccessor accessor)
            {
                public async Task AddAsync(string item, CancellationToken cancellationToken)
                {
                    var session = accessor.HttpContext!.Session;
                    var items = accessor.HttpContext!.Session.{|#0:GetString|}("items");
                    session.SetString("items", items + "," + item);
                    await Task.Delay(1, cancellationToken);
                }
            }
            """;
        var fixedSource = Usings + """
            public class CartService(IHttpContextAccessor accessor)
            {
                public async Task AddAsync(string item, CancellationToken cancellationToken)
                {
                    var session = accessor.HttpContext!.Session;
                    await accessor.HttpContext!.Session.LoadAsync(cancellationToken);
                    var items = accessor.HttpContext!.Session.GetString("items");
                    session.SetString("items", items + "," + item);
                    await Task.Delay(1, cancellationToken);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, VerifyCS.Diagnostic().WithLocation(0).WithArguments("accessor.HttpContext!.Session"), fixedSource);
    }

    [Fact]
    public async Task Diagnostic_EveryMember_ReportsFirstOnly()
    {
        // TryGetValue, Keys, Id and IsAvailable load the session too; one diagnostic per function.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task<int> TryGet(HttpContext context)
                {
                    context.Session.[|TryGetValue|]("k", out var bytes);
                    var keys = context.Session.Keys.Count();
                    await Task.Yield();
                    return bytes?.Length ?? keys;
                }

                public async Task<int> Keys(HttpContext context) { await Task.Yield(); return context.Session.[|Keys|].Count(); }
                public async Task<string> Id(HttpContext context) { await Task.Yield(); return context.Session.[|Id|]; }
                public async Task<bool> Available(HttpContext context) { await Task.Yield(); return context.Session.[|IsAvailable|]; }
                public async Task Set(HttpContext context) { await Task.Yield(); context.Session.[|Set|]("k", new byte[] { 1 }); }
                public async Task Remove(HttpContext context) { await Task.Yield(); context.Session.[|Remove|]("k"); }
                public async Task<byte[]?> Get(HttpContext context) { await Task.Yield(); return context.Session.[|Get|]("k"); }
                public async Task SetString(HttpContext context) { await Task.Yield(); context.Session.[|SetString|]("k", "v"); }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_IsAvailableCheckBeforeLoad()
    {
        // Reading IsAvailable is itself a synchronous load.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(HttpContext context)
                {
                    if (!context.Session.[|IsAvailable|])
                    {
                        await context.Session.LoadAsync();
                    }

                    context.Session.SetString("k", "v");
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_LoadOnlyOnSomePaths()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(HttpContext context, bool warm)
                {
                    if (warm)
                    {
                        await context.Session.LoadAsync();
                    }

                    context.Session.[|SetString|]("k", "v");
                }

                public async Task AfterCatch(HttpContext context)
                {
                    try
                    {
                        await context.Session.LoadAsync();
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    context.Session.[|SetString|]("k", "v");
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_LoadAfterAccess_OrOfAnotherSession()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task After(HttpContext context)
                {
                    context.Session.[|SetString|]("k", "v");
                    await context.Session.LoadAsync();
                }

                public async Task Other(HttpContext a, HttpContext b)
                {
                    await a.Session.LoadAsync();
                    b.Session.[|SetString|]("k", "v");
                }

                public async Task NotAwaited(HttpContext context)
                {
                    _ = context.Session.LoadAsync();
                    context.Session.[|SetString|]("k", "v");
                    await Task.Yield();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_AsyncLocalFunction_AndLambdaInsideLoadedMethod()
    {
        // The outer method's load does not cover a lambda: it may run before or after it.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(HttpContext context)
                {
                    await context.Session.LoadAsync();
                    context.Session.SetString("a", "1");
                    Func<Task> later = async () => { await Task.Yield(); context.Session.[|SetString|]("b", "2"); };
                    await later();

                    async Task<string?> ReadAsync()
                    {
                        await Task.Yield();
                        return context.Session.[|GetString|]("a");
                    }

                    await ReadAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_UserExtensionMethodOverSession()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class SessionJson
            {
                public static T? GetJson<T>(this ISession session, string key) => System.Text.Json.JsonSerializer.Deserialize<T>(session.GetString(key) ?? "null");
            }

            public class C
            {
                public async Task<int[]?> M(HttpContext context)
                {
                    await Task.Yield();
                    return context.Session.[|GetJson|]<int[]>("cart");
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_GenericUserExtensionMethodWhoseReceiverIsTheSession()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class SessionText
            {
                public static string Read<TSession>(this TSession session, string key) where TSession : ISession => session.GetString(key) ?? "";
            }

            public class C
            {
                public async Task<string> M(HttpContext context)
                {
                    await Task.Yield();
                    return context.Session.[|Read|]("cart");
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_GenericUserExtensionMethodCalledOnTheRequestsSessionAsItsClass()
    {
        const string helper = """
            using Microsoft.AspNetCore.Session;

            public static class SessionText
            {
                public static string Read<TSession>(this TSession session, string key) where TSession : ISession => session.GetString(key) ?? "";
            }

            """;
        var source = Usings + helper + """
            public class C
            {
                public async Task<string> M(HttpContext context)
                {
                    await Task.Yield();
                    var session = (DistributedSession)context.Session;
                    return session.[|Read|]("cart");
                }
            }
            """;
        var fixedSource = Usings + helper + """
            public class C
            {
                public async Task<string> M(HttpContext context)
                {
                    await Task.Yield();
                    var session = (DistributedSession)context.Session;
                    await session.LoadAsync(context.RequestAborted);
                    return session.Read("cart");
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    // ---- Near-misses ------------------------------------------------------------------------

    [Fact]
    public async Task NoDiagnostic_GenericUserExtensionMethodOnTheSessionsClassAfterLoad()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            using Microsoft.AspNetCore.Session;

            public static class SessionText
            {
                public static string Read<TSession>(this TSession session, string key) where TSession : ISession => session.GetString(key) ?? "";
            }

            public class C
            {
                public async Task<string> M(HttpContext context)
                {
                    var session = (DistributedSession)context.Session;
                    await session.LoadAsync(context.RequestAborted);
                    return session.Read("cart");
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_DocsGoodCode()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapGet("/visits", async (HttpContext ctx) =>
                    {
                        await ctx.Session.LoadAsync(ctx.RequestAborted);
                        var n = ctx.Session.GetInt32("n") ?? 0;
                        ctx.Session.SetInt32("n", n + 1);
                        return n;
                    });
                }
            }

            public class CartController : Controller
            {
                public async Task<IActionResult> Index(CancellationToken cancellationToken)
                {
                    await HttpContext.Session.LoadAsync(cancellationToken);
                    var cart = HttpContext.Session.GetString("cart");
                    return Content(cart ?? "");
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_LoadedThroughAlias_WithConfigureAwait_InEnclosingBlock()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                public async Task M(HttpContext context, bool flag)
                {
                    var session = context.Session;
                    await session.LoadAsync().ConfigureAwait(false);
                    if (flag)
                    {
                        foreach (var key in context.Session.Keys.ToList())
                        {
                            session.Remove(key);
                        }
                    }
                }

                public async Task InTry(HttpContext context)
                {
                    try
                    {
                        await context.Session.LoadAsync();
                    }
                    finally
                    {
                    }

                    context.Session.SetString("k", "v");
                }

                public async Task InSwitch(HttpContext context, int mode)
                {
                    switch (mode)
                    {
                        case 1:
                            await context.Session.LoadAsync();
                            context.Session.SetString("k", "v");
                            break;
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_SyncCode()
    {
        // No await to offer: sync handlers, sync actions and sync lambdas inside async methods.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class CartController : Controller
            {
                public IActionResult Index() => Content(HttpContext.Session.GetString("cart") ?? "");

                public async Task<IActionResult> Later()
                {
                    await HttpContext.Session.LoadAsync();
                    Func<string?> read = () => HttpContext.Session.GetString("cart");
                    return Content(read() ?? "");
                }
            }

            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                    => app.MapGet("/cart", (HttpContext ctx) => ctx.Session.GetString("cart"));
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_SessionMemberNamesOnOtherTypes()
    {
        // Id, Keys, TryGetValue, Set, Remove and Clear of other types (a string Id, as ISession's is)
        // before the load are not session accesses; the session itself is read after it.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class Order { public string Id { get; set; } = ""; public bool IsAvailable { get; set; } }
            public class Bag { public void Set(string key, byte[] value) { } public bool Remove(string key) => true; public void Clear() { } }

            public class C
            {
                public async Task<string> M(HttpContext context, Order order, Dictionary<string, byte[]> cache, List<string> names, Bag bag)
                {
                    var id = order.Id;
                    var available = order.IsAvailable;
                    var keys = cache.Keys.Count;
                    cache.TryGetValue(id, out var bytes);
                    names.Remove(id);
                    names.Clear();
                    bag.Set(id, bytes ?? Array.Empty<byte>());
                    bag.Remove(id);
                    await context.Session.LoadAsync();
                    return context.Session.GetString(id) ?? keys.ToString() + available;
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_SessionHandedOver_LoadAndCommitOnly()
    {
        // An ISession parameter or field may have been loaded by whoever passed it.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C
            {
                private readonly ISession _session;
                public C(ISession session) => _session = session;

                public async Task M(ISession session)
                {
                    await Task.Yield();
                    session.SetString("k", "v");
                    _session.SetString("k", "v");
                }

                public async Task Commit(HttpContext context)
                {
                    await context.Session.LoadAsync();
                    await context.Session.CommitAsync();
                }
            }
            """);
    }

    [Fact]
    public async Task Option_SessionPreloaded_Silences()
    {
        await new CSharpCodeFixTest<AP5001SessionAccessedBeforeLoadAnalyzer, AP5001SessionAccessedBeforeLoadCodeFix>
        {
            TestCode = Usings + """
                public class C
                {
                    public async Task M(HttpContext context) { await Task.Yield(); context.Session.SetString("k", "v"); }
                }
                """,
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.session_preloaded = true\n") } },
        }.RunAsync();
    }

    [Theory]
    [InlineData("false")]
    [InlineData("yes")]
    public async Task Option_SessionPreloaded_FalseOrInvalid_StillReports(string value)
    {
        await new CSharpCodeFixTest<AP5001SessionAccessedBeforeLoadAnalyzer, AP5001SessionAccessedBeforeLoadCodeFix>
        {
            TestCode = Usings + """
                public class C
                {
                    public async Task M(HttpContext context) { await Task.Yield(); context.Session.[|SetString|]("k", "v"); }
                }
                """,
            FixedCode = Usings + """
                public class C
                {
                    public async Task M(HttpContext context) { await Task.Yield(); await context.Session.LoadAsync(context.RequestAborted); context.Session.SetString("k", "v"); }
                }
                """,
            TestState = { AnalyzerConfigFiles = { ("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.session_preloaded = " + value + "\n") } },
        }.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_AspNetCoreAppWithoutEfCore()
    {
        // Session state is an ASP.NET Core concern: the rule must not wait for EF Core to be referenced.
        await new CSharpCodeFixTest<AP5001SessionAccessedBeforeLoadAnalyzer, AP5001SessionAccessedBeforeLoadCodeFix>
        {
            TestCode = """
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;
                public class C
                {
                    public async Task<string?> M(HttpContext context)
                    {
                        await Task.Yield();
                        return context.Session.[|GetString|]("k");
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;
                public class C
                {
                    public async Task<string?> M(HttpContext context)
                    {
                        await Task.Yield();
                        await context.Session.LoadAsync(context.RequestAborted);
                        return context.Session.GetString("k");
                    }
                }
                """,
            References = ReferenceSet.NetAndAspNetCore,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore_OrAspNetCore()
    {
        await new CSharpCodeFixTest<AP5001SessionAccessedBeforeLoadAnalyzer, AP5001SessionAccessedBeforeLoadCodeFix>
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                public class C { public async Task<string?> M(Dictionary<string, string> session) { await Task.Yield(); return session["k"]; } }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    // ---- Fix shapes -------------------------------------------------------------------------

    [Fact]
    public async Task Fix_ExpressionBodiedLambda_BecomesBlock()
    {
        var source = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapGet("/cart", async (HttpContext ctx, CancellationToken ct) => ctx.Session.[|GetString|]("cart"));
                    app.MapPost("/cart", async (HttpContext ctx) => ctx.Session.[|SetString|]("cart", "x"));
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapGet("/cart", async (HttpContext ctx, CancellationToken ct) =>
                    {
                        await ctx.Session.LoadAsync(ct);
                        return ctx.Session.GetString("cart");
                    });
                    app.MapPost("/cart", async (HttpContext ctx) =>
                    {
                        await ctx.Session.LoadAsync(ctx.RequestAborted);
                        ctx.Session.SetString("cart", "x");
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Fix_ExpressionBodiedMethod_AndEmbeddedStatement()
    {
        var source = Usings + """
            public class C
            {
                public async Task<string?> Read(HttpContext context) => context.Session.[|GetString|]("k");

                public async Task Write(HttpContext context, bool flag)
                {
                    await Task.Yield();
                    if (flag)
                        context.Session.[|SetString|]("k", "v"); // remember
                }
            }
            """;
        var fixedSource = Usings + """
            public class C
            {
                public async Task<string?> Read(HttpContext context)
                {
                    await context.Session.LoadAsync(context.RequestAborted);
                    return context.Session.GetString("k");
                }

                public async Task Write(HttpContext context, bool flag)
                {
                    await Task.Yield();
                    if (flag)
                    {
                        await context.Session.LoadAsync(context.RequestAborted);
                        context.Session.SetString("k", "v"); // remember
                    }
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Fix_KeepsCommentsBeforeTheAccess()
    {
        var source = Usings + """
            public class C
            {
                public async Task M(HttpContext context)
                {
                    await Task.Yield();

                    // Count the visit.
                    var n = context.Session.[|GetInt32|]("n") ?? 0;
                    context.Session.SetInt32("n", n + 1);
                }
            }
            """;
        var fixedSource = Usings + """
            public class C
            {
                public async Task M(HttpContext context)
                {
                    await Task.Yield();
                    await context.Session.LoadAsync(context.RequestAborted);

                    // Count the visit.
                    var n = context.Session.GetInt32("n") ?? 0;
                    context.Session.SetInt32("n", n + 1);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Fix_NotOffered_ConditionalAccessOrLock()
    {
        var source = Usings + """
            public class C(IHttpContextAccessor accessor)
            {
                private readonly object _gate = new();

                public async Task<string?> M()
                {
                    await Task.Yield();
                    return accessor.HttpContext?.Session.{|#0:GetString|}("k");
                }

                public async Task N(HttpContext context)
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        context.Session.{|#1:SetString|}("k", "v");
                    }
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            new[] { VerifyCS.Diagnostic().WithLocation(0).WithArguments("accessor.HttpContext?.Session"), VerifyCS.Diagnostic().WithLocation(1).WithArguments("context.Session") },
            source);
    }

    [Fact]
    public async Task FixAll_SeveralFunctions_AndNestedHandler()
    {
        var source = Usings + """
            public class C
            {
                public async Task A(HttpContext context) { await Task.Yield(); context.Session.[|SetString|]("a", "1"); }

                public async Task B(HttpContext context, IEndpointRouteBuilder app)
                {
                    context.Session.[|SetString|]("b", "2");
                    app.MapGet("/x", async (HttpContext inner, CancellationToken ct) => inner.Session.[|GetString|]("x"));
                    await Task.Yield();
                }
            }
            """;
        var fixedSource = Usings + """
            public class C
            {
                public async Task A(HttpContext context) { await Task.Yield(); await context.Session.LoadAsync(context.RequestAborted); context.Session.SetString("a", "1"); }

                public async Task B(HttpContext context, IEndpointRouteBuilder app)
                {
                    await context.Session.LoadAsync(context.RequestAborted);
                    context.Session.SetString("b", "2");
                    app.MapGet("/x", async (HttpContext inner, CancellationToken ct) =>
                    {
                        await inner.Session.LoadAsync(ct);
                        return inner.Session.GetString("x");
                    });
                    await Task.Yield();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }
}
