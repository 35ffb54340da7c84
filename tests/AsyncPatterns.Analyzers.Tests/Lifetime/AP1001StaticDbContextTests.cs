using AsyncPatterns.Analyzers.Lifetime;
using AsyncPatterns.Analyzers.Tests.Verification;
using AsyncPatterns.CodeFixes.Lifetime;
using Verify = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Lifetime.AP1001StaticDbContextAnalyzer,
    AsyncPatterns.CodeFixes.Lifetime.AP1001StaticDbContextCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Lifetime;

public class AP1001StaticDbContextTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Infrastructure;

        public class Order { public int Id { get; set; } }

        public class ShopContext : DbContext
        {
            public DbSet<Order> Orders => Set<Order>();
        }

        """;

    [Theory]
    [InlineData("private static ShopContext {|#0:_db|};")]
    [InlineData("public static ShopContext {|#0:Db|} { get; set; }")]
    [InlineData("public static ShopContext {|#0:Db|} { get; } = new ShopContext();")]
    [InlineData("private static readonly ShopContext {|#0:_db|} = new ShopContext();")]
    [InlineData("[ThreadStatic] private static ShopContext {|#0:_db|};")]
    [InlineData("private static DbContext {|#0:_db|};")]
    [InlineData("private static Lazy<ShopContext> {|#0:_db|} = new Lazy<ShopContext>(() => new ShopContext());")]
    [InlineData("private static ThreadLocal<ShopContext> {|#0:_db|} = new ThreadLocal<ShopContext>();")]
    [InlineData("private static AsyncLocal<ShopContext> {|#0:_db|} = new AsyncLocal<ShopContext>();")]
    [InlineData("private static ShopContext[] {|#0:_dbs|} = new ShopContext[2];")]
    [InlineData("private static List<ShopContext> {|#0:_dbs|} = new List<ShopContext>();")]
    [InlineData("private static SubContext {|#0:_db|};")]
    [InlineData("private static ShopContext _backing; public static ShopContext {|#0:Db|} { get { return _backing; } set { _backing = value; } }", 1)]
    public async Task Diagnostic_StaticMember(string member, int extra = 0)
    {
        var source = Usings + """
            public class SubContext : ShopContext { }

            public class Repository
            {
                MEMBER
            }
            """.Replace("MEMBER", member);
        var expected = new List<DiagnosticResult> { Verify.Diagnostic().WithLocation(0) };
        if (extra == 1)
        {
            source = source.Replace("ShopContext _backing", "ShopContext {|#1:_backing|}");
            expected.Add(Verify.Diagnostic().WithLocation(1));
        }

        await Verify.VerifyAnalyzerAsync(source, expected.ToArray());
    }

    [Fact]
    public async Task Diagnostic_StaticClass_GenericContext_AndInsideTheContext()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            public static class Db
            {
                public static ShopContext {|#0:Current|} = new ShopContext();
            }

            public class Repository<TContext> where TContext : DbContext
            {
                private static TContext? {|#1:_db|};
            }

            public class CatalogContext : DbContext
            {
                public static CatalogContext {|#2:Instance|} { get; } = new CatalogContext();
            }
            """,
            Verify.Diagnostic().WithLocation(0),
            Verify.Diagnostic().WithLocation(1),
            Verify.Diagnostic().WithLocation(2).WithMessage("'Instance' keeps a DbContext in static state, shared by every request and thread; inject CatalogContext through the constructor instead"));
    }

    [Fact]
    public async Task NoDiagnostic_NearMisses()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            public class Repository
            {
                private readonly ShopContext _db;
                private static IDbContextFactory<ShopContext>? s_factory;
                private static PooledDbContextFactory<ShopContext>? s_pooled;
                private static DbContextOptions<ShopContext> s_options = new DbContextOptionsBuilder<ShopContext>().Options;
                private static readonly Func<ShopContext, int, Task<Order?>> s_byId =
                    EF.CompileAsyncQuery((ShopContext db, int id) => db.Orders.FirstOrDefault(o => o.Id == id));
                private const string Name = "shop";
                public static ShopContext Create => new ShopContext();

                public Repository(ShopContext db) => _db = db;

                public static Task<int> CountAsync(ShopContext db) => db.Orders.CountAsync();

                public int Count()
                {
                    return Local(_db);
                    static int Local(ShopContext db) => db.Orders.Count();
                }
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_PartialProperty_OnlyAtTheDeclarationOutsideGeneratedCode()
    {
        // The symbol of a partial property is its declaring part; the implementing part, here in a
        // generated file, gets no diagnostic of its own.
        var user = Usings + """
            public static partial class Ambient
            {
                public static partial ShopContext {|#0:Current|} { get; set; }
            }
            """;
        var generated = "// <auto-generated/>\n" + """
            public static partial class Ambient
            {
                private static ShopContext? s_current;
                public static partial ShopContext Current { get => s_current!; set => s_current = value; }
            }
            """;
        var test = new CSharpAnalyzerTest<AP1001StaticDbContextAnalyzer>
        {
            TestState = { Sources = { user, ("/0/Ambient.g.cs", generated) } },
            ExpectedDiagnostics = { Verify.Diagnostic().WithLocation(0) },
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_DocsGoodCode()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            public class OrderService
            {
                private readonly ShopContext _db;

                public OrderService(ShopContext db)
                {
                    _db = db;
                }

                public Task<List<Order>> GetAsync(CancellationToken ct) => _db.Orders.ToListAsync(ct);
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_WithoutEfCore()
    {
        await new CSharpCodeFixTest<AP1001StaticDbContextAnalyzer, AP1001StaticDbContextCodeFix>
        {
            TestCode = """
                public class DbContext { }
                public class ShopContext : DbContext { }
                public class Repository { private static ShopContext? _db; }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task Fix_FieldWithNoConstructor()
    {
        await Verify.VerifyCodeFixAsync(Usings + """
            public class OrderService
            {
                // One context for the whole app.
                private static readonly ShopContext [|_db|] = new ShopContext();

                public Task<List<Order>> GetAsync() => _db.Orders.ToListAsync();
            }
            """, Usings + """
            public class OrderService
            {
                // One context for the whole app.
                private readonly ShopContext _db;

                public OrderService(ShopContext db)
                {
                    _db = db;
                }

                public Task<List<Order>> GetAsync() => _db.Orders.ToListAsync();
            }
            """);
    }

    [Fact]
    public async Task Fix_ThreadStaticFieldAndConstructors()
    {
        await Verify.VerifyCodeFixAsync(Usings + """
            public class OrderService
            {
                [ThreadStatic]
                public static ShopContext [|Db|];
                private readonly string _name;

                public OrderService(string name)
                {
                    _name = name;
                }

                public OrderService() : this("default")
                {
                }

                public int Count() => OrderService.Db.Orders.Count() + _name.Length;
            }
            """, Usings + """
            public class OrderService
            {
                private readonly ShopContext Db;
                private readonly string _name;

                public OrderService(string name, ShopContext db)
                {
                    Db = db;
                    _name = name;
                }

                public OrderService(ShopContext db) : this("default", db: db)
                {
                }

                public int Count() => this.Db.Orders.Count() + _name.Length;
            }
            """);
    }

    [Fact]
    public async Task Fix_AutoProperty()
    {
        await Verify.VerifyCodeFixAsync(Usings + """
            public class OrderService
            {
                public static ShopContext [|Context|] { get; set; } = new ShopContext();

                public OrderService(int size) => Size = size;

                public int Size { get; }

                public int Count() => Context.Orders.Count();
            }
            """, Usings + """
            public class OrderService
            {
                private readonly ShopContext Context;

                public OrderService(int size, ShopContext context)
                {
                    Context = context;
                    Size = size;
                }

                public int Size { get; }

                public int Count() => Context.Orders.Count();
            }
            """);
    }

    [Fact]
    public async Task Fix_AutoPropertyWithNoConstructor()
    {
        // Regression (found by the robustness mutation test): the property becomes a field and the
        // new constructor goes after it; the replaced node was no longer tracked, so the fix threw.
        await Verify.VerifyCodeFixAsync(Usings + """
            public class OrderService
            {
                public static ShopContext [|Context|] { get; set; } = new ShopContext();

                public int Count() => Context.Orders.Count();
            }
            """, Usings + """
            public class OrderService
            {
                private readonly ShopContext Context;

                public OrderService(ShopContext context)
                {
                    Context = context;
                }

                public int Count() => Context.Orders.Count();
            }
            """);
    }

    [Theory]
    [InlineData("public static class Holder { public static ShopContext [|Db|] = new ShopContext(); }")]
    [InlineData("public class Holder { private static Lazy<ShopContext> [|_db|] = new Lazy<ShopContext>(() => new ShopContext()); }")]
    [InlineData("public class Holder { private static ShopContext [|_db|] = new ShopContext(); public static int Count() => _db.Orders.Count(); }")]
    [InlineData("public class Holder { public static ShopContext [|Db|] = new ShopContext(); } public class User { public int Count() => Holder.Db.Orders.Count(); }")]
    [InlineData("public class CatalogContext : DbContext { public static CatalogContext [|Instance|] { get; } = new CatalogContext(); }")]
    [InlineData("public class Holder { private static ShopContext [|_db|] = new ShopContext(); public int Count() => _db.Orders.Count(); } public class Derived : Holder { }")]
    [InlineData("public class Holder { private static ShopContext [|_db|] = new ShopContext(); public int Count() => _db.Orders.Count(); public static Holder Create() => new Holder(); }")]
    [InlineData("public class Holder { private static ShopContext [|_db|] = new ShopContext(); public void Reset() => _db = new ShopContext(); }")]
    public async Task Fix_NotOfferedWhereItWouldNotCompile(string code)
    {
        await new CSharpCodeFixTest<AP1001StaticDbContextAnalyzer, AP1001StaticDbContextCodeFix>
        {
            TestCode = Usings + code,
        }.RunAsync();
    }

    [Fact]
    public async Task FixAll_SeveralFieldsOneConstructor()
    {
        await new CSharpCodeFixTest<AP1001StaticDbContextAnalyzer, AP1001StaticDbContextCodeFix>
        {
            TestCode = Usings + """
                public class CatalogContext : DbContext { }

                public class OrderService
                {
                    private static ShopContext [|s_shop|] = new ShopContext();
                    private static CatalogContext [|s_catalog|] = new CatalogContext();

                    public int Count() => s_shop.Orders.Count() + s_catalog.GetHashCode();
                }
                """,
            FixedCode = Usings + """
                public class CatalogContext : DbContext { }

                public class OrderService
                {
                    private readonly ShopContext s_shop;
                    private readonly CatalogContext s_catalog;

                    public OrderService(ShopContext shop, CatalogContext catalog)
                    {
                        s_catalog = catalog;
                        s_shop = shop;
                    }

                    public int Count() => s_shop.Orders.Count() + s_catalog.GetHashCode();
                }
                """,
            BatchFixedCode = Usings + """
                public class CatalogContext : DbContext { }

                public class OrderService
                {
                    private readonly ShopContext s_shop;
                    private readonly CatalogContext s_catalog;

                    public OrderService(ShopContext shop, CatalogContext catalog)
                    {
                        s_shop = shop;
                        s_catalog = catalog;
                    }

                    public int Count() => s_shop.Orders.Count() + s_catalog.GetHashCode();
                }
                """,
        }.RunAsync();
    }
}
