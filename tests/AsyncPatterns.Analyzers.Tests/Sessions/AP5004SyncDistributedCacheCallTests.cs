using AsyncPatterns.Analyzers.Sessions;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Sessions;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Sessions.AP5004SyncDistributedCacheCallAnalyzer,
    AsyncPatterns.CodeFixes.Sessions.AP5004SyncDistributedCacheCallCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Sessions;

public sealed class AP5004SyncDistributedCacheCallTests
{
    private const string Usings = """
        using System;
        using System.Text;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Routing;
        using Microsoft.Extensions.Caching.Distributed;

        """;

    [Fact]
    public async Task Diagnostic_GetString_InAsyncMethod_FixUsesToken()
    {
        var source = Usings + """
            public class PriceCache(IDistributedCache cache)
            {
                public async Task<decimal?> GetAsync(int id, CancellationToken cancellationToken)
                {
                    var text = cache.{|#0:GetString|}("price:" + id);
                    await Task.Yield();
                    return text is null ? null : decimal.Parse(text);
                }
            }
            """;
        var fixedSource = Usings + """
            public class PriceCache(IDistributedCache cache)
            {
                public async Task<decimal?> GetAsync(int id, CancellationToken cancellationToken)
                {
                    var text = await cache.GetStringAsync("price:" + id, cancellationToken);
                    await Task.Yield();
                    return text is null ? null : decimal.Parse(text);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithArguments("GetString", "method", "GetAsync", "GetStringAsync"),
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_EveryInterfaceMethod()
    {
        var source = Usings + """
            public class C(IDistributedCache cache)
            {
                public async Task M(DistributedCacheEntryOptions options)
                {
                    var bytes = cache.[|Get|]("k");
                    cache.[|Set|]("k", bytes!, options);
                    cache.[|Refresh|]("k");
                    cache.[|Remove|]("k");
                    await Task.Yield();
                }
            }
            """;
        var fixedSource = Usings + """
            public class C(IDistributedCache cache)
            {
                public async Task M(DistributedCacheEntryOptions options)
                {
                    var bytes = await cache.GetAsync("k");
                    await cache.SetAsync("k", bytes!, options);
                    await cache.RefreshAsync("k");
                    await cache.RemoveAsync("k");
                    await Task.Yield();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_ExtensionMethods_InMinimalApiLambda()
    {
        var source = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapPost("/greeting", async (IDistributedCache cache, CancellationToken ct) =>
                    {
                        cache.[|SetString|]("greeting", "hello");
                        cache.[|SetString|]("greeting", "hello", new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
                        cache.[|Set|]("raw", Encoding.UTF8.GetBytes("x"));
                        await Task.Yield();
                        return Results.Ok();
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapPost("/greeting", async (IDistributedCache cache, CancellationToken ct) =>
                    {
                        await cache.SetStringAsync("greeting", "hello", ct);
                        await cache.SetStringAsync("greeting", "hello", new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) }, ct);
                        await cache.SetAsync("raw", Encoding.UTF8.GetBytes("x"), ct);
                        await Task.Yield();
                        return Results.Ok();
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_HandlerWithHttpContext_FixUsesRequestAborted()
    {
        var source = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapGet("/greeting", async (HttpContext ctx, IDistributedCache cache) =>
                    {
                        await Task.Yield();
                        return cache.[|GetString|]("greeting") ?? "hello";
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Endpoints
            {
                public static void Map(IEndpointRouteBuilder app)
                {
                    app.MapGet("/greeting", async (HttpContext ctx, IDistributedCache cache) =>
                    {
                        await Task.Yield();
                        return await cache.GetStringAsync("greeting", ctx.RequestAborted) ?? "hello";
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_AsyncLocalFunction_ValueUsedFurther_NamedArguments()
    {
        var source = Usings + """
            public class C(IDistributedCache cache)
            {
                public async Task<int> M(CancellationToken token)
                {
                    async Task<int> LengthAsync()
                    {
                        await Task.Yield();
                        return cache.[|GetString|]("k")?.Length ?? 0;
                    }

                    cache.[|Remove|](key: "old");
                    return await LengthAsync();
                }
            }
            """;
        var fixedSource = Usings + """
            public class C(IDistributedCache cache)
            {
                public async Task<int> M(CancellationToken token)
                {
                    async Task<int> LengthAsync()
                    {
                        await Task.Yield();
                        return (await cache.GetStringAsync("k", token))?.Length ?? 0;
                    }

                    await cache.RemoveAsync(key: "old", token: token);
                    return await LengthAsync();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_ImplementingType_AndNoFixAfterConditionalAccess()
    {
        var source = Usings + """
            public class C
            {
                public async Task<byte[]?> M(Microsoft.Extensions.Caching.Distributed.MemoryDistributedCache memory, IDistributedCache? maybe)
                {
                    await Task.Yield();
                    maybe?.{|#1:Remove|}("k");
                    return memory.{|#0:Get|}("k");
                }
            }
            """;
        var fixedSource = Usings + """
            public class C
            {
                public async Task<byte[]?> M(Microsoft.Extensions.Caching.Distributed.MemoryDistributedCache memory, IDistributedCache? maybe)
                {
                    await Task.Yield();
                    maybe?.{|#0:Remove|}("k");
                    return await memory.GetAsync("k");
                }
            }
            """;
        await new CSharpCodeFixTest<AP5004SyncDistributedCacheCallAnalyzer, AP5004SyncDistributedCacheCallCodeFix>
        {
            TestCode = source,
            ExpectedDiagnostics =
            {
                VerifyCS.Diagnostic().WithLocation(0).WithArguments("Get", "method", "M", "GetAsync"),
                VerifyCS.Diagnostic().WithLocation(1).WithArguments("Remove", "method", "M", "RemoveAsync"),
            },
            FixedCode = fixedSource,
            FixedState = { ExpectedDiagnostics = { VerifyCS.Diagnostic().WithLocation(0).WithArguments("Remove", "method", "M", "RemoveAsync") } },
        }.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_BufferDistributedCache()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            using System.Buffers;
            public class C(IBufferDistributedCache cache)
            {
                public async Task<bool> M(ArrayBufferWriter<byte> writer, DistributedCacheEntryOptions options)
                {
                    await Task.Yield();
                    cache.[|Set|]("k", new ReadOnlySequence<byte>(new byte[] { 1 }), options);
                    return cache.[|TryGet|]("k", writer);
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_DocsGoodCode_AsyncCounterparts()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class PriceCache(IDistributedCache cache)
            {
                public async Task<decimal?> GetAsync(int id, CancellationToken cancellationToken)
                {
                    var text = await cache.GetStringAsync("price:" + id, cancellationToken);
                    if (text is null)
                    {
                        return null;
                    }

                    await cache.RefreshAsync("price:" + id, cancellationToken);
                    await cache.SetStringAsync("seen:" + id, "1", cancellationToken);
                    return decimal.Parse(text);
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_SyncCode()
    {
        // Sync methods, and sync lambdas inside async methods, have no await to offer.
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class C(IDistributedCache cache)
            {
                public string? Read() => cache.GetString("k");

                public async Task<string?> M()
                {
                    Func<string?> read = () => cache.GetString("k");
                    await Task.Yield();
                    return read();
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_OtherTypesWithTheSameNames()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            using System.Collections.Generic;
            public class C
            {
                public async Task<string> M(Dictionary<string, string> map, HttpContext context)
                {
                    await Task.Yield();
                    map.Remove("k");
                    context.Response.Headers.Remove("x");
                    return map["k"];
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_AspNetCoreAppWithoutEfCore()
    {
        await new CSharpCodeFixTest<AP5004SyncDistributedCacheCallAnalyzer, AP5004SyncDistributedCacheCallCodeFix>
        {
            TestCode = """
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.Caching.Distributed;
                public class C
                {
                    public async Task<string?> M(IDistributedCache cache, CancellationToken ct)
                    {
                        await Task.Yield();
                        return cache.[|GetString|]("k");
                    }
                }
                """,
            FixedCode = """
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.Caching.Distributed;
                public class C
                {
                    public async Task<string?> M(IDistributedCache cache, CancellationToken ct)
                    {
                        await Task.Yield();
                        return await cache.GetStringAsync("k", ct);
                    }
                }
                """,
            References = ReferenceSet.NetAndAspNetCore,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpCodeFixTest<AP5004SyncDistributedCacheCallAnalyzer, AP5004SyncDistributedCacheCallCodeFix>
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                public class C { public async Task M(Dictionary<string, byte[]> cache) { await Task.Yield(); cache.Remove("k"); } }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task FixAll_NestedCalls_InOneMethod()
    {
        var source = Usings + """
            public class C(IDistributedCache cache)
            {
                public async Task Copy(CancellationToken ct)
                {
                    cache.[|SetString|]("b", cache.[|GetString|]("a") ?? "");
                    cache.[|Refresh|]("b");
                    await Task.Yield();
                }
            }
            """;
        var fixedSource = Usings + """
            public class C(IDistributedCache cache)
            {
                public async Task Copy(CancellationToken ct)
                {
                    await cache.SetStringAsync("b", await cache.GetStringAsync("a", ct) ?? "", ct);
                    await cache.RefreshAsync("b", ct);
                    await Task.Yield();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }
}
