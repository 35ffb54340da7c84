using AsyncPatterns.Analyzers.Tests.Verification;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Sessions.AP5002InsecureSessionCookieAnalyzer,
    AsyncPatterns.CodeFixes.Sessions.AP5002InsecureSessionCookieCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Sessions;

public sealed class AP5002InsecureSessionCookieTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using Microsoft.AspNetCore.Authentication;
        using Microsoft.AspNetCore.Authentication.Cookies;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.Extensions.DependencyInjection;

        """;

    [Fact]
    public async Task Diagnostic_AddSession_HttpOnlyFalse_MessageNamesCookieAndRemedy()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.HttpOnly = {|#0:false|};
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.HttpOnly = true;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "'HttpOnly = false' lets scripts read the session cookie, so one XSS flaw hands it to an attacker; set HttpOnly = true"),
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_AddCookie_SecurePolicyNone()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                        .AddCookie(o => o.Cookie.SecurePolicy = {|#0:CookieSecurePolicy.None|});
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                        .AddCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "'SecurePolicy = CookieSecurePolicy.None' sends the authentication cookie over plain HTTP; set SecurePolicy = CookieSecurePolicy.Always"),
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_ConfigureApplicationCookie_And_ConfigureSessionOptions()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.ConfigureApplicationCookie(o => o.Cookie.HttpOnly = [|false|]);
                    services.Configure<SessionOptions>(o =>
                    {
                        o.Cookie.SecurePolicy = [|CookieSecurePolicy.None|];
                        o.IdleTimeout = [|TimeSpan.MaxValue|];
                    });
                    services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o => o.Cookie.HttpOnly = [|false|]);
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.ConfigureApplicationCookie(o => o.Cookie.HttpOnly = true);
                    services.Configure<SessionOptions>(o =>
                    {
                        o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                        o.IdleTimeout = TimeSpan.FromMinutes(20);
                    });
                    services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o => o.Cookie.HttpOnly = true);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_SessionOptionsObjectInitializer()
    {
        var source = Usings + """
            public static class Setup
            {
                public static SessionOptions Create() => new SessionOptions
                {
                    IdleTimeout = [|Timeout.InfiniteTimeSpan|],
                    Cookie = { HttpOnly = [|false|], Name = ".Shop.Session" },
                };
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static SessionOptions Create() => new SessionOptions
                {
                    IdleTimeout = TimeSpan.FromMinutes(20),
                    Cookie = { HttpOnly = true, Name = ".Shop.Session" },
                };
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_IdleTimeout_LongerThanDefaultMaximum()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(o => o.IdleTimeout = {|#0:TimeSpan.FromDays(30)|});
                    services.AddSession(o => o.IdleTimeout = [|TimeSpan.FromHours(25)|]);
                    services.AddSession(o => o.IdleTimeout = [|new TimeSpan(2, 0, 0, 0)|]);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "'IdleTimeout = TimeSpan.FromDays(30)' keeps an idle session alive longer than the 1 day allowed by async_patterns.max_session_idle; use at most 20 minutes"));
    }

    [Fact]
    public async Task NoDiagnostic_IdleTimeoutWithinMaximum_OrComputed()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services, TimeSpan configured)
                {
                    services.AddSession(o => o.IdleTimeout = TimeSpan.FromMinutes(30));
                    services.AddSession(o => o.IdleTimeout = TimeSpan.FromDays(1));
                    services.AddSession(o => o.IdleTimeout = new TimeSpan(8, 0, 0));
                    services.AddSession(o => o.IdleTimeout = configured);
                }
            }
            """);
    }

    [Theory]
    [InlineData("8h", "TimeSpan.FromHours(9)", "TimeSpan.FromMinutes(20)", true)]
    [InlineData("8h", "TimeSpan.FromHours(8)", null, false)]
    [InlineData("10m", "TimeSpan.FromMinutes(15)", "TimeSpan.FromMinutes(10)", true)]
    [InlineData("7d", "TimeSpan.FromDays(3)", null, false)]
    [InlineData("7.00:00:00", "TimeSpan.FromDays(8)", "TimeSpan.FromMinutes(20)", true)]
    [InlineData("not a duration", "TimeSpan.FromDays(2)", "TimeSpan.FromMinutes(20)", true)]
    public async Task Option_MaxSessionIdle(string option, string value, string? fixedValue, bool reported)
    {
        string Code(string v, bool marked) => Usings + $$"""
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                    => services.AddSession(o => o.IdleTimeout = {{(marked ? "[|" + v + "|]" : v)}});
            }
            """;
        var test = new CSharpCodeFixTest<AsyncPatterns.Analyzers.Sessions.AP5002InsecureSessionCookieAnalyzer, AsyncPatterns.CodeFixes.Sessions.AP5002InsecureSessionCookieCodeFix>
        {
            TestCode = Code(value, reported),
        };
        if (fixedValue != null)
        {
            test.FixedCode = Code(fixedValue, false);
        }

        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nasync_patterns.max_session_idle = " + option));
        await test.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_SameSiteNone_WithoutSecurePolicy_FixAddsStatement()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        // Embedded in a partner's iframe.
                        options.Cookie.SameSite = [|SameSiteMode.None|];
                        options.Cookie.Name = ".Shop.Session";
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        // Embedded in a partner's iframe.
                        options.Cookie.SameSite = SameSiteMode.None;
                        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                        options.Cookie.Name = ".Shop.Session";
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_SameSiteNone_ExpressionLambda_FixMakesBlock()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(o => o.Cookie.SameSite = [|SameSiteMode.None|]);
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(o =>
                    {
                        o.Cookie.SameSite = SameSiteMode.None;
                        o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task NoDiagnostic_SameSiteNone_WithSecurePolicyAlways()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services, bool development)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.SameSite = SameSiteMode.None;
                        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    });
                    services.AddSession(options =>
                    {
                        options.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                        options.Cookie.SameSite = SameSiteMode.None;
                    });
                    services.AddSession(options => options.Cookie.SameSite = SameSiteMode.Strict);
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_SameSiteNone_WithSecurePolicyNone_ReportsOnlyThePolicy()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.SameSite = SameSiteMode.None;
                        options.Cookie.SecurePolicy = [|CookieSecurePolicy.None|];
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.SameSite = SameSiteMode.None;
                        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_SameSiteNone_WithExplicitSameAsRequest_NoFix()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                        options.Cookie.SameSite = [|SameSiteMode.None|];
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task NoDiagnostic_SecureSessionConfiguration_FromDocs()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.Name = ".Shop.Session";
                        options.Cookie.HttpOnly = true;
                        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                        options.Cookie.SameSite = SameSiteMode.Lax;
                        options.Cookie.IsEssential = true;
                        options.IdleTimeout = TimeSpan.FromMinutes(20);
                    });
                    services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                        .AddCookie(options =>
                        {
                            options.Cookie.HttpOnly = true;
                            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                            options.SlidingExpiration = true;
                        });
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_AuthCookieExpireTimeSpan_IsAProductDecision()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddAuthentication().AddCookie(o => o.ExpireTimeSpan = TimeSpan.FromDays(90));
                    services.ConfigureApplicationCookie(o => o.ExpireTimeSpan = TimeSpan.MaxValue);
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_OtherCookieBuilders_AntiforgeryAndTempData()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            using Microsoft.AspNetCore.Antiforgery;

            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddAntiforgery(o => o.Cookie.HttpOnly = false);
                    var builder = new CookieBuilder { HttpOnly = false, SecurePolicy = CookieSecurePolicy.None };
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_HandBuiltCookie_SessionIdValue_Inline()
    {
        var source = Usings + """
            public static class Endpoints
            {
                public static void Remember(HttpContext context)
                {
                    context.Response.Cookies.Append("shop", context.Session.Id, new CookieOptions { HttpOnly = {|#0:false|}, Secure = {|#1:false|} });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Endpoints
            {
                public static void Remember(HttpContext context)
                {
                    context.Response.Cookies.Append("shop", context.Session.Id, new CookieOptions { HttpOnly = true, Secure = true });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            new[]
            {
                VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                    "'HttpOnly = false' lets scripts read the 'shop' cookie, so one XSS flaw hands it to an attacker; set HttpOnly = true"),
                VerifyCS.Diagnostic().WithLocation(1),
            },
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_HandBuiltCookie_TokenName_ThroughLocal()
    {
        var source = Usings + """
            public static class Endpoints
            {
                public static void SignIn(HttpResponse response, string jwt)
                {
                    var options = new CookieOptions { Expires = DateTimeOffset.UtcNow.AddHours(1), HttpOnly = [|false|] };
                    options.Secure = [|false|];
                    response.Cookies.Append("access_token", jwt, options);
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Endpoints
            {
                public static void SignIn(HttpResponse response, string jwt)
                {
                    var options = new CookieOptions { Expires = DateTimeOffset.UtcNow.AddHours(1), HttpOnly = true };
                    options.Secure = true;
                    response.Cookies.Append("access_token", jwt, options);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_HandBuiltCookie_SameSiteNone_FixAddsSecure()
    {
        var source = Usings + """
            public static class Endpoints
            {
                public static void SignIn(HttpResponse response, string token)
                {
                    response.Cookies.Append("auth", token, new CookieOptions
                    {
                        HttpOnly = true,
                        SameSite = [|SameSiteMode.None|]
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Endpoints
            {
                public static void SignIn(HttpResponse response, string token)
                {
                    response.Cookies.Append("auth", token, new CookieOptions
                    {
                        HttpOnly = true,
                        SameSite = SameSiteMode.None,
                        Secure = true
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task NoDiagnostic_HandBuiltCookie_SameSiteNone_SecureSetOnTheLocalLater()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Endpoints
            {
                public static void SignIn(HttpResponse response, string token)
                {
                    var options = new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.None };
                    options.Secure = true;
                    response.Cookies.Append("auth", token, options);
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_PreferenceCookies_ReadableByScripts()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Endpoints
            {
                public static void Prefer(HttpContext context, string theme)
                {
                    context.Response.Cookies.Append("theme", theme, new CookieOptions { HttpOnly = false, Secure = false });
                    var culture = new CookieOptions { HttpOnly = false, SameSite = SameSiteMode.None };
                    context.Response.Cookies.Append(".AspNetCore.Culture", "c=fr|uic=fr", culture);
                    context.Response.Cookies.Append("sidebar", "collapsed", new CookieOptions { HttpOnly = false });
                    context.Response.Cookies.Append("author", "ann", new CookieOptions { HttpOnly = false });
                    context.Response.Cookies.Append("XSRF-TOKEN", "t", new CookieOptions { HttpOnly = false });
                    context.Response.Cookies.Append("cart", context.Session.GetString("cart") ?? "", new CookieOptions { HttpOnly = false });
                }
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_CookieOptionsNotAppended()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Cookies
            {
                public static CookieOptions Relaxed() => new CookieOptions { HttpOnly = false, Secure = false };
            }
            """);
    }

    [Fact]
    public async Task FixAll_EverySetting()
    {
        var source = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.HttpOnly = [|false|];
                        options.Cookie.SameSite = [|SameSiteMode.None|];
                        options.IdleTimeout = [|TimeSpan.FromDays(7)|];
                    });
                    services.AddAuthentication().AddCookie(o =>
                    {
                        o.Cookie.HttpOnly = [|false|];
                        o.Cookie.SecurePolicy = [|CookieSecurePolicy.None|];
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            public static class Setup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSession(options =>
                    {
                        options.Cookie.HttpOnly = true;
                        options.Cookie.SameSite = SameSiteMode.None;
                        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                        options.IdleTimeout = TimeSpan.FromMinutes(20);
                    });
                    services.AddAuthentication().AddCookie(o =>
                    {
                        o.Cookie.HttpOnly = true;
                        o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task NoDiagnostic_WithoutAspNetCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Sessions.AP5002InsecureSessionCookieAnalyzer>
        {
            TestCode = """
                public class CookieBuilder { public bool HttpOnly { get; set; } }
                public static class C
                {
                    public static void M() => new CookieBuilder().HttpOnly = false;
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_WithoutEfCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Sessions.AP5002InsecureSessionCookieAnalyzer>
        {
            TestCode = Usings + """
                public static class Setup
                {
                    public static void Configure(IServiceCollection services)
                        => services.AddSession(o => o.Cookie.HttpOnly = [|false|]);
                }
                """,
            References = ReferenceSet.NetAndAspNetCore,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_HalfTypedCode()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Sessions.AP5002InsecureSessionCookieAnalyzer>
        {
            TestCode = Usings + """
                public static class Setup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddSession(o => o.Cookie.HttpOnly = {|CS0103:unknown|});
                        services.AddSession(o => o.IdleTimeout = TimeSpan.{|CS0117:FromWeeks|}(3));
                        services.AddSession(o => o.Cookie.{|CS1061:Secure|} = false);
                    }
                }
                """,
        }.RunAsync();
    }
}
