using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using AsyncPatterns.Analyzers.Tests.Verification;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>The data-access model on its own: every rule reads it, so its answers are tested directly.</summary>
public class DataAccessModelTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Order { public int Id { get; set; } public decimal Total { get; set; } }
        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Order> Orders { get; set; } = null!;
            public DbSet<Order> Archived => Set<Order>();
            public IQueryable<Order> Expensive => Orders.Where(o => o.Total > 100);
            public int CountSelf() => Orders.Count();
        }
        public class OtherContext : DbContext { }

        """;

    [Theory]
    [InlineData("db.Orders.ToList()", nameof(DataAccessKind.QueryExecution), false)]
    [InlineData("db.Orders.Where(o => o.Id > 1).ToListAsync()", nameof(DataAccessKind.QueryExecution), true)]
    [InlineData("db.Orders.CountAsync(ct)", nameof(DataAccessKind.QueryExecution), true)]
    [InlineData("db.Archived.First()", nameof(DataAccessKind.QueryExecution), false)]
    [InlineData("db.Set<Order>().Any()", nameof(DataAccessKind.QueryExecution), false)]
    [InlineData("db.Expensive.Sum(o => o.Total)", nameof(DataAccessKind.QueryExecution), false)]
    [InlineData("db.Orders.AsNoTracking().Include(o => o).FirstOrDefaultAsync()", nameof(DataAccessKind.QueryExecution), true)]
    [InlineData("db.SaveChanges()", nameof(DataAccessKind.SaveChanges), false)]
    [InlineData("db.SaveChangesAsync(ct)", nameof(DataAccessKind.SaveChanges), true)]
    [InlineData("db.Orders.Find(1)", nameof(DataAccessKind.Find), false)]
    [InlineData("db.Orders.FindAsync(1)", nameof(DataAccessKind.Find), true)]
    [InlineData("db.Orders.Add(new Order())", nameof(DataAccessKind.ChangeTracking), false)]
    [InlineData("db.Remove(new Order())", nameof(DataAccessKind.ChangeTracking), false)]
    [InlineData("db.Database.BeginTransactionAsync(ct)", nameof(DataAccessKind.BeginTransaction), true)]
    [InlineData("db.Database.ExecuteSqlRaw(\"DELETE FROM Orders\")", nameof(DataAccessKind.RawSqlExecution), false)]
    [InlineData("db.Database.EnsureCreated()", nameof(DataAccessKind.SchemaChange), false)]
    [InlineData("db.Orders.Where(o => o.Id == 1).ExecuteDeleteAsync(ct)", nameof(DataAccessKind.BulkUpdate), true)]
    [InlineData("db.Orders.Load()", nameof(DataAccessKind.ExplicitLoad), false)]
    [InlineData("db.Entry(new Order()).Reload()", nameof(DataAccessKind.ExplicitLoad), false)]
    [InlineData("db.Database.SqlQueryRaw<int>(\"SELECT 1\").ToList()", nameof(DataAccessKind.QueryExecution), false)]
    public void Classify_RecognizesOperation(string expression, string kind, bool isAsync)
    {
        var operation = ClassifyLast($"void M(ShopContext db, CancellationToken ct) {{ {expression}; }}");

        Assert.NotNull(operation);
        Assert.Equal(kind, operation!.Kind.ToString());
        Assert.Equal(isAsync, operation.IsAsync);
        Assert.Equal(ContextInstanceKind.Parameter, operation.Context?.Kind);
        Assert.Equal("db", operation.Context?.DisplayName);
    }

    [Theory]
    [InlineData("new List<Order>().ToList()")]
    [InlineData("new List<Order>().AsQueryable().Where(o => o.Id > 1).ToList()")]
    [InlineData("new[] { 1, 2 }.Count()")]
    [InlineData("db.Orders.Where(o => new[] { 1, 2 }.Contains(o.Id)).ToQueryString()")]
    public void Classify_IgnoresLinqToObjectsAndComposition(string expression)
    {
        var operation = ClassifyLast($"void M(ShopContext db) {{ _ = {expression}; }}");

        Assert.Null(operation);
    }

    [Fact]
    public void Classify_FactoryCreation()
    {
        var operation = ClassifyLast("void M(IDbContextFactory<ShopContext> f) { _ = f.CreateDbContext(); }");

        Assert.Equal(DataAccessKind.ContextCreation, operation?.Kind);
        Assert.False(operation!.DoesIO);
    }

    [Fact]
    public void Context_FollowsAliasesAndQueryLocals()
    {
        var source = """
            class Svc
            {
                private readonly ShopContext _db;
                private ShopContext _other = null!;
                public Svc(ShopContext db) { _db = db; }
                void M()
                {
                    var db = _db;
                    var orders = db.Orders.Where(o => o.Id > 1);
                    _ = orders.ToList();
                }
            }
            """;

        var operation = ClassifyLast(source);

        Assert.Equal(ContextInstanceKind.Injected, operation?.Context?.Kind);
        Assert.Equal("_db", operation!.Context!.Symbol?.Name);
    }

    [Fact]
    public void Context_InjectedParametersOfOneTypeAreOneInstance()
    {
        var source = """
            class Svc(ShopContext first, ShopContext second, OtherContext other)
            {
                private readonly ShopContext _third = first;
                void M()
                {
                    _ = first.Orders.ToList();
                    _ = second.Orders.ToList();
                    _ = _third.Orders.ToList();
                    _ = other.SaveChanges();
                }
            }
            """;

        var operations = ClassifyAll(source);

        Assert.Equal(4, operations.Count);
        Assert.Equal(operations[0].Context, operations[1].Context);
        Assert.Equal(operations[0].Context, operations[2].Context);
        Assert.NotEqual(operations[0].Context, operations[3].Context);
    }

    [Fact]
    public void Context_FactoryContextsAreDistinct()
    {
        var source = """
            class Svc(IDbContextFactory<ShopContext> factory)
            {
                void M()
                {
                    using var a = factory.CreateDbContext();
                    using var b = factory.CreateDbContext();
                    _ = a.Orders.ToList();
                    _ = b.Orders.ToList();
                    _ = a.Orders.Count();
                }
            }
            """;

        var operations = ClassifyAll(source).Where(o => o.Kind == DataAccessKind.QueryExecution).ToList();

        Assert.Equal(3, operations.Count);
        Assert.Equal(ContextInstanceKind.Local, operations[0].Context?.Kind);
        Assert.NotEqual(operations[0].Context, operations[1].Context);
        Assert.Equal(operations[0].Context, operations[2].Context);
    }

    [Fact]
    public void Context_GenericContextAndThisInsideContext()
    {
        var source = """
            class Repo<TContext> where TContext : DbContext
            {
                void M(TContext ctx) { _ = ctx.SaveChanges(); }
            }
            """;

        var operation = ClassifyLast(source);
        Assert.Equal(ContextInstanceKind.Parameter, operation?.Context?.Kind);

        var inside = ClassifyAll(string.Empty).Single(o => o.Kind == DataAccessKind.QueryExecution);
        Assert.Equal(ContextInstanceKind.This, inside.Context?.Kind);
    }

    [Fact]
    public void Context_InlineCreationIsItsOwnInstance()
    {
        var operations = ClassifyAll("void M(DbContextOptions<ShopContext> o) { _ = new ShopContext(o).Orders.ToList(); _ = new ShopContext(o).Orders.ToList(); }")
            .Where(o => o.Kind == DataAccessKind.QueryExecution && o.Context?.Kind == ContextInstanceKind.Created)
            .ToList();

        Assert.Equal(2, operations.Count);
        Assert.NotEqual(operations[0].Context, operations[1].Context);
    }

    [Fact]
    public void HoldsDbContext_WrappersButNotFactoriesOrOptions()
    {
        var compilation = Compile("class Holder { }");
        var model = DataAccessModel.Create(compilation)!;
        var shop = compilation.GetTypeByMetadataName("ShopContext")!;
        ITypeSymbol Construct(string metadataName, ITypeSymbol argument)
            => compilation.GetTypeByMetadataName(metadataName)!.Construct(argument);

        Assert.True(model.HoldsDbContext(shop));
        Assert.True(model.HoldsDbContext(Construct("System.Lazy`1", shop)));
        Assert.True(model.HoldsDbContext(compilation.CreateArrayTypeSymbol(shop)));
        Assert.False(model.HoldsDbContext(Construct("Microsoft.EntityFrameworkCore.IDbContextFactory`1", shop)));
        Assert.False(model.HoldsDbContext(Construct("Microsoft.EntityFrameworkCore.DbContextOptions`1", shop)));
    }

    [Fact]
    public void Create_ReturnsNullWithoutEfCore()
    {
        var compilation = CSharpCompilation.Create(
            "NoEf",
            new[] { CSharpSyntaxTree.ParseText("class C { }") },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });

        Assert.Null(DataAccessModel.Create(compilation));
    }

    private static DataAccessOperation? ClassifyLast(string members)
        => ClassifyAll(members).LastOrDefault();

    private static List<DataAccessOperation> ClassifyAll(string members)
    {
        var source = members.TrimStart().StartsWith("class", StringComparison.Ordinal) || members.Length == 0
            ? Prelude + members
            : Prelude + "class Host { " + members + " }";
        var compilation = Compile(source);
        var tree = compilation.SyntaxTrees.Single();
        var semanticModel = compilation.GetSemanticModel(tree);
        var model = DataAccessModel.Create(compilation)!;
        var userCodeStart = members.Length == 0 ? 0 : Prelude.Length;
        return tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(syntax => syntax.SpanStart >= userCodeStart)
            .Select(syntax => semanticModel.GetOperation(syntax) as IInvocationOperation)
            .Where(invocation => invocation != null)
            .Select(invocation => model.Classify(invocation!))
            .Where(operation => operation != null)
            .Select(operation => operation!)
            .ToList();
    }

    private static Compilation Compile(string source)
    {
        var compilation = CSharpCompilation.Create(
            "CoreTests",
            new[] { CSharpSyntaxTree.ParseText(Prelude.Length > 0 && source.StartsWith(Prelude, StringComparison.Ordinal) ? source : Prelude + source) },
            ReferenceSet.Full.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "Test source does not compile:\n" + string.Join("\n", errors));
        return compilation;
    }
}
