using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Lifetime;
using Verify = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Lifetime.AP1002SingletonDbContextAnalyzer,
    AsyncPatterns.CodeFixes.Lifetime.AP1002SingletonDbContextCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Lifetime;

public class AP1002SingletonDbContextTests
{
    private const string Types = """
        using System;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        public interface IShopContext { }

        public class ShopContext : DbContext, IShopContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
        }

        public class Clock { }

        """;

    private static string Code(string body) => Types + """
        public static class Startup
        {
            public static void Configure(IServiceCollection services, ShopContext ctx)
            {
                BODY
            }
        }
        """.Replace("BODY", body);

    [Theory]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, {|#0:ServiceLifetime.Singleton|});")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, contextLifetime: {|#0:ServiceLifetime.Singleton|});")]
    [InlineData("services.AddDbContext<ShopContext>(optionsLifetime: ServiceLifetime.Scoped, contextLifetime: {|#0:ServiceLifetime.Singleton|});")]
    [InlineData("services.AddDbContext<IShopContext, ShopContext>(o => { }, {|#0:ServiceLifetime.Singleton|});")]
    [InlineData("services.{|#0:AddSingleton|}<ShopContext>();")]
    [InlineData("services.{|#0:AddSingleton|}<IShopContext, ShopContext>();")]
    [InlineData("services.{|#0:AddSingleton|}(typeof(ShopContext));")]
    [InlineData("services.{|#0:AddSingleton|}<ShopContext>(sp => new ShopContext(new DbContextOptions<ShopContext>()));")]
    [InlineData("services.{|#0:AddSingleton|}<IShopContext>(sp => new ShopContext(new DbContextOptions<ShopContext>()));")]
    [InlineData("services.{|#0:AddSingleton|}(new ShopContext(new DbContextOptions<ShopContext>()));")]
    [InlineData("services.{|#0:AddSingleton|}(ctx);")]
    [InlineData("services.{|#0:TryAddSingleton|}<ShopContext>();")]
    [InlineData("services.{|#0:TryAddSingleton|}<IShopContext, ShopContext>();")]
    [InlineData("services.{|#0:AddKeyedSingleton|}<ShopContext>(\"main\");")]
    [InlineData("services.Add(new ServiceDescriptor(typeof(ShopContext), typeof(ShopContext), {|#0:ServiceLifetime.Singleton|}));")]
    [InlineData("services.Add(ServiceDescriptor.{|#0:Singleton|}<ShopContext, ShopContext>());")]
    [InlineData("services.Add(new {|#0:ServiceDescriptor|}(typeof(ShopContext), ctx));")]
    public async Task Diagnostic_SingletonRegistration(string registration)
    {
        await Verify.VerifyAnalyzerAsync(Code(registration), Verify.Diagnostic().WithLocation(0));
    }

    [Theory]
    [InlineData("services.AddDbContext<ShopContext>(o => { });")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, ServiceLifetime.Scoped);")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, ServiceLifetime.Transient);")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, optionsLifetime: ServiceLifetime.Singleton);")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, ServiceLifetime.Scoped, ServiceLifetime.Singleton);")]
    [InlineData("services.AddDbContextPool<ShopContext>(o => { });")]
    [InlineData("services.AddDbContextFactory<ShopContext>(o => { });")]
    [InlineData("services.AddPooledDbContextFactory<ShopContext>(o => { });")]
    [InlineData("services.AddSingleton<IDbContextFactory<ShopContext>>(sp => null!);")]
    [InlineData("services.AddSingleton<Clock>();")]
    [InlineData("services.AddScoped<ShopContext>();")]
    [InlineData("services.TryAddTransient<IShopContext, ShopContext>();")]
    [InlineData("services.Add(new ServiceDescriptor(typeof(ShopContext), typeof(ShopContext), ServiceLifetime.Scoped));")]
    public async Task NoDiagnostic_ScopedOrFactoryOrOtherType(string registration)
    {
        await Verify.VerifyAnalyzerAsync(Code(registration));
    }

    [Fact]
    public async Task NoDiagnostic_DocsGoodCode()
    {
        await Verify.VerifyAnalyzerAsync(Types + """
            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddDbContext<ShopContext>(o => o.UseInMemoryDatabase("shop"));
                }

                public static void ConfigureFactory(IServiceCollection services)
                {
                    services.AddDbContextFactory<ShopContext>(o => o.UseInMemoryDatabase("shop"));
                }
            }
            """.Replace("o.UseInMemoryDatabase(\"shop\")", "{ }"));
    }

    [Fact]
    public async Task Diagnostic_Message()
    {
        await Verify.VerifyAnalyzerAsync(
            Code("services.{|#0:AddSingleton|}<ShopContext>();"),
            Verify.Diagnostic().WithLocation(0).WithMessage("'ShopContext' is registered as a singleton, so one instance serves every request concurrently; register it as scoped"));
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpCodeFixTest<AP1002SingletonDbContextAnalyzer, AP1002SingletonDbContextCodeFix>
        {
            TestCode = """
                public class ShopContext { }
                public static class Startup
                {
                    public static void AddSingleton<T>() { }
                    public static void Configure() => AddSingleton<ShopContext>();
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Theory]
    [InlineData("services.[|AddSingleton|]<ShopContext>();", "services.AddScoped<ShopContext>();")]
    [InlineData("services.[|AddSingleton|]<IShopContext, ShopContext>();", "services.AddScoped<IShopContext, ShopContext>();")]
    [InlineData("services.[|AddSingleton|](typeof(ShopContext));", "services.AddScoped(typeof(ShopContext));")]
    [InlineData("services.[|AddSingleton|]<ShopContext>(sp => new ShopContext(new DbContextOptions<ShopContext>()));", "services.AddScoped<ShopContext>(sp => new ShopContext(new DbContextOptions<ShopContext>()));")]
    [InlineData("services.[|TryAddSingleton|]<ShopContext>();", "services.TryAddScoped<ShopContext>();")]
    [InlineData("services.[|AddKeyedSingleton|]<ShopContext>(\"main\");", "services.AddKeyedScoped<ShopContext>(\"main\");")]
    [InlineData("services.Add(ServiceDescriptor.[|Singleton|]<ShopContext, ShopContext>());", "services.Add(ServiceDescriptor.Scoped<ShopContext, ShopContext>());")]
    [InlineData("services.Add(new ServiceDescriptor(typeof(ShopContext), typeof(ShopContext), [|ServiceLifetime.Singleton|]));", "services.Add(new ServiceDescriptor(typeof(ShopContext), typeof(ShopContext), ServiceLifetime.Scoped));")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, /* ctx */ [|ServiceLifetime.Singleton|]);", "services.AddDbContext<ShopContext>(o => { }, /* ctx */ ServiceLifetime.Scoped);")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, contextLifetime: [|ServiceLifetime.Singleton|], optionsLifetime: ServiceLifetime.Singleton);", "services.AddDbContext<ShopContext>(o => { }, contextLifetime: ServiceLifetime.Scoped, optionsLifetime: ServiceLifetime.Singleton);")]
    public async Task Fix_RegisterAsScoped(string registration, string fixedRegistration)
    {
        await new CSharpCodeFixTest<AP1002SingletonDbContextAnalyzer, AP1002SingletonDbContextCodeFix>
        {
            TestCode = Code(registration),
            FixedCode = Code(fixedRegistration),
            CodeActionEquivalenceKey = AP1002SingletonDbContextCodeFix.ScopedKey,
        }.RunAsync();
    }

    [Theory]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, [|ServiceLifetime.Singleton|]);", "services.AddDbContextFactory<ShopContext>(o => { });")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, contextLifetime: [|ServiceLifetime.Singleton|]);", "services.AddDbContextFactory<ShopContext>(o => { });")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, [|ServiceLifetime.Singleton|], ServiceLifetime.Singleton);", "services.AddDbContextFactory<ShopContext>(o => { });")]
    [InlineData("services.AddDbContext<ShopContext>([|ServiceLifetime.Singleton|]);", "services.AddDbContextFactory<ShopContext>();")]
    public async Task Fix_UseAddDbContextFactory(string registration, string fixedRegistration)
    {
        await new CSharpCodeFixTest<AP1002SingletonDbContextAnalyzer, AP1002SingletonDbContextCodeFix>
        {
            TestCode = Code(registration),
            FixedCode = Code(fixedRegistration),
            CodeActionEquivalenceKey = AP1002SingletonDbContextCodeFix.FactoryKey,
        }.RunAsync();
    }

    [Theory]
    [InlineData("services.[|AddSingleton|](ctx);")]
    [InlineData("services.Add(new [|ServiceDescriptor|](typeof(ShopContext), ctx));")]
    public async Task Fix_NotOfferedForInstances(string registration)
    {
        await new CSharpCodeFixTest<AP1002SingletonDbContextAnalyzer, AP1002SingletonDbContextCodeFix>
        {
            TestCode = Code(registration),
        }.RunAsync();
    }

    [Fact]
    public async Task FixAll_RegistrationsInOneDocument()
    {
        await new CSharpCodeFixTest<AP1002SingletonDbContextAnalyzer, AP1002SingletonDbContextCodeFix>
        {
            TestCode = Code("""
                services.[|AddSingleton|]<ShopContext>();
                        services.[|TryAddSingleton|]<IShopContext, ShopContext>();
                        services.AddDbContext<ShopContext>(o => { }, [|ServiceLifetime.Singleton|]);
                """),
            FixedCode = Code("""
                services.AddScoped<ShopContext>();
                        services.TryAddScoped<IShopContext, ShopContext>();
                        services.AddDbContext<ShopContext>(o => { }, ServiceLifetime.Scoped);
                """),
            CodeActionEquivalenceKey = AP1002SingletonDbContextCodeFix.ScopedKey,
        }.RunAsync();
    }
}
