using AsyncPatterns.Analyzers.Core;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>The non-negotiables of DESIGN.md checked on every analyzer the assembly holds (found
/// by reflection, so rules merged later are covered): concurrent execution on, generated code
/// skipped, one compilation-start action; no static mutable state in src/; nothing reported and
/// nothing thrown without EF Core and ASP.NET Core, on empty and on half-typed code; no line gets
/// two of our diagnostics unless allow-listed.</summary>
public sealed class AnalyzerHygieneTests(ITestOutputHelper output)
{
    public static TheoryData<string> AnalyzerNames()
    {
        var data = new TheoryData<string>();
        foreach (var analyzer in RuleCatalog.Analyzers)
        {
            data.Add(analyzer.GetType().FullName!);
        }

        return data;
    }

    [Fact]
    public void AnalyzersAndFixesAreFound()
    {
        Assert.NotEmpty(RuleCatalog.Analyzers);
        Assert.NotEmpty(RuleCatalog.CodeFixes);
    }

    [Theory]
    [MemberData(nameof(AnalyzerNames))]
    public void Initialize_EnablesConcurrency_SkipsGeneratedCode_RegistersOneCompilationStartAction(string analyzerName)
    {
        var analyzer = RuleCatalog.Analyzers.Single(a => a.GetType().FullName == analyzerName);
        var context = new RecordingAnalysisContext();
        analyzer.Initialize(context);

        var problems = new List<string>();
        if (context.Calls.Count(c => c == nameof(AnalysisContext.EnableConcurrentExecution)) != 1)
        {
            problems.Add("call EnableConcurrentExecution() once");
        }

        // Generated code is not analyzed (no Analyze flag); reported locations are not re-checked
        // (ReportDiagnostics), see Core/GeneratedCode and GeneratedCodeTests.
        if (context.GeneratedCodeFlags is not [GeneratedCodeAnalysisFlags.ReportDiagnostics])
        {
            problems.Add($"call ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags) once (calls: [{string.Join(", ", context.GeneratedCodeFlags)}])");
        }

        if (context.Calls.Count(c => c == nameof(AnalysisContext.RegisterCompilationStartAction)) != 1)
        {
            problems.Add("register exactly one compilation-start action, which resolves the framework types once and registers nothing when they are absent");
        }

        Assert.True(problems.Count == 0, $"{analyzerName}.Initialize must {string.Join("; ", problems)}. Calls made: [{string.Join(", ", context.Calls)}]");
    }

    [Fact]
    public void NoStaticMutableFields_InProductAssemblies()
    {
        var offenders = new List<string>();
        var inspected = 0;
        foreach (var assembly in new[] { RuleCatalog.AnalyzerAssembly, RuleCatalog.CodeFixAssembly })
        {
            foreach (var type in RuleCatalog.LoadableTypes(assembly).Where(t => !IsCompilerGenerated(t)))
            {
                foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.IsLiteral || (IsCompilerGenerated(field) && !IsAutoPropertyBackingField(field)))
                    {
                        continue;
                    }

                    inspected++;
                    var name = $"{type.FullName}.{DisplayName(field)} ({TypeName(field.FieldType)})";
                    if (!field.IsInitOnly)
                    {
                        offenders.Add($"{name}: static and not readonly");
                    }
                    else if (IsMutableCollection(field.FieldType))
                    {
                        offenders.Add($"{name}: static readonly, but the collection itself can be changed; use an Immutable*, Frozen* or ReadOnly* type");
                    }
                }
            }
        }

        output.WriteLine($"{inspected} static fields inspected");
        Assert.True(inspected > 0, "No static field found at all; the reflection is looking in the wrong place.");
        Assert.True(offenders.Count == 0, "Static mutable state is shared by every compilation the host analyzes at once (DESIGN.md: no static mutable state):\n  " + string.Join("\n  ", offenders));
    }

    [Fact]
    public void MutableCollectionCheck_RecognizesTheUsualTypes()
    {
        Assert.True(IsMutableCollection(typeof(List<string>)));
        Assert.True(IsMutableCollection(typeof(string[])));
        Assert.True(IsMutableCollection(typeof(Dictionary<string, int>)));
        Assert.True(IsMutableCollection(typeof(HashSet<string>)));
        Assert.True(IsMutableCollection(typeof(System.Collections.Concurrent.ConcurrentDictionary<string, int>)));
        Assert.False(IsMutableCollection(typeof(ImmutableArray<string>)));
        Assert.False(IsMutableCollection(typeof(ImmutableHashSet<string>)));
        Assert.False(IsMutableCollection(typeof(System.Collections.Frozen.FrozenSet<string>)));
        Assert.False(IsMutableCollection(typeof(System.Collections.ObjectModel.ReadOnlyCollection<string>)));
        Assert.False(IsMutableCollection(typeof(string)));
        Assert.False(IsMutableCollection(typeof(DiagnosticDescriptor)));
        Assert.False(IsMutableCollection(typeof(Regex)));
        Assert.False(IsMutableCollection(typeof(SymbolDisplayFormat)));
    }

    [Fact]
    public async Task NoDiagnosticNoException_WithoutEfCoreAndAspNetCore()
    {
        // Look-alike types in the user's own namespaces: the rules must recognize EF Core and
        // ASP.NET Core by their real metadata names, and register nothing when those are absent.
        const string Source = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            namespace MyOrm
            {
                public class DbContext : IDisposable, IAsyncDisposable
                {
                    public int SaveChanges() => 0;
                    public Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);
                    public DbSet<T> Set<T>() where T : class => new();
                    public DatabaseFacade Database { get; } = new();
                    public void Dispose() { }
                    public ValueTask DisposeAsync() => default;
                }

                public class DatabaseFacade
                {
                    public IDbContextTransaction BeginTransaction() => new();
                    public Task<IDbContextTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default) => Task.FromResult(new IDbContextTransaction());
                }

                public class IDbContextTransaction : IDisposable
                {
                    public void Commit() { }
                    public void Dispose() { }
                }

                public class DbSet<T> : List<T> where T : class
                {
                    public Task<List<T>> ToListAsync(CancellationToken cancellationToken = default) => Task.FromResult(this.ToList());
                    public T? Find(params object[] keys) => default;
                    public IQueryable<T> FromSql(string sql) => this.AsQueryable();
                }

                public interface IDbContextFactory<T> where T : DbContext { T CreateDbContext(); }
            }

            namespace MyDi
            {
                public interface IServiceCollection { }
                public static class ServiceCollectionServiceExtensions
                {
                    public static IServiceCollection AddSingleton<T>(this IServiceCollection services) => services;
                    public static IServiceCollection AddDbContext<T>(this IServiceCollection services) => services;
                    public static IServiceCollection AddHostedService<T>(this IServiceCollection services) => services;
                }

                public interface IHostedService { Task StartAsync(CancellationToken cancellationToken); Task StopAsync(CancellationToken cancellationToken); }
                public interface ISession { string? GetString(string key); Task LoadAsync(CancellationToken cancellationToken = default); }
                public interface IDistributedCache { byte[]? Get(string key); Task<byte[]?> GetAsync(string key, CancellationToken token = default); }
                public class CookieOptions { public bool HttpOnly { get; set; } public bool Secure { get; set; } }
            }

            namespace App
            {
                using MyDi;
                using MyOrm;

                public class Order { public int Id { get; set; } }
                public class ShopContext : DbContext { public DbSet<Order> Orders => Set<Order>(); }

                public static class Registrations
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddSingleton<ShopContext>();
                        services.AddSingleton<PriceCache>();
                        services.AddHostedService<Worker>();
                    }
                }

                public class PriceCache { private readonly ShopContext _db; public PriceCache(ShopContext db) { _db = db; } }

                public class Worker : IHostedService
                {
                    private readonly ShopContext _db;
                    public Worker(ShopContext db) { _db = db; }
                    public Task StartAsync(CancellationToken cancellationToken) { _db.SaveChangesAsync(); return Task.CompletedTask; }
                    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
                }

                public class Repository
                {
                    private static ShopContext s_db = new ShopContext();
                    private static readonly List<ShopContext> s_all = new();

                    public async Task<int> Count(ShopContext db, ISession session, IDistributedCache cache, CancellationToken cancellationToken)
                    {
                        var context = new ShopContext();
                        var orders = db.Orders.ToList();
                        var first = db.Orders.Find(1);
                        db.SaveChanges();
                        db.SaveChangesAsync();
                        var n = db.SaveChangesAsync().Result;
                        db.SaveChangesAsync().Wait();
                        var listed = await db.Orders.ToListAsync();
                        var name = session.GetString("name");
                        var cached = cache.Get("key");
                        await Task.WhenAll(db.SaveChangesAsync(), db.SaveChangesAsync());
                        var transaction = db.Database.BeginTransaction();
                        db.SaveChanges();
                        db.SaveChanges();
                        var locked = db.Orders.FromSql("SELECT * FROM orders FOR UPDATE").ToList();
                        orders.ForEach(async o => await db.SaveChangesAsync());
                        Task.Run(() => db.SaveChanges());
                        new CookieOptions { HttpOnly = false, Secure = false };
                        var key = "super-secret-signing-key-0123456789";
                        return orders.Count + listed.Count + n;
                    }

                    public IQueryable<Order> Escapes()
                    {
                        using var db = new ShopContext();
                        return db.Orders.AsQueryable();
                    }
                }
            }
            """;

        var failures = new List<Failure>();
        var solution = TestSolution.Create([(TestInput.Path, Source)], ReferenceSet.NetOnly);
        var project = solution.Projects.Single();
        var compilation = await project.GetCompilationAsync();
        var errors = compilation!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The look-alike source must compile:\n" + string.Join("\n", errors));

        var diagnostics = await RobustnessRunner.AnalyzeAsync(project, failures);
        Assert.Empty(failures);
        Assert.True(diagnostics.IsEmpty, "Without EF Core and ASP.NET Core, our analyzers must report nothing:\n" + string.Join("\n", diagnostics));
    }

    [Fact]
    public async Task NoDiagnosticNoException_OnTestInputs_WithoutEfCoreAndAspNetCore()
    {
        // The suite's own inputs, compiled without the frameworks: full of unresolved types.
        var reports = new List<string>();
        foreach (var input in TestInputs.All)
        {
            var failures = new List<Failure>();
            var solution = RobustnessRunner.CreateSolution(input, input.Text, ReferenceSet.NetOnly);
            var diagnostics = await RobustnessRunner.AnalyzeAsync(solution.Projects.Single(), failures);
            reports.AddRange(failures.Select(f => $"{input.Origin}: {f}"));
            reports.AddRange(diagnostics.Select(d => $"{input.Origin}: {d}"));
        }

        Assert.True(reports.Count == 0, "Without EF Core and ASP.NET Core, our analyzers must report nothing and throw nothing:\n" + string.Join("\n", reports));
    }

    /// <summary>Half-typed code, as an analyzer sees it on every keystroke, with EF Core and ASP.NET Core referenced.</summary>
    public static TheoryData<string> BrokenSources() => new(
        string.Empty,
        " ",
        "// just a comment",
        "class C { void M() { var db = new",
        "class C { void M() { var db = new Microsoft.EntityFrameworkCore.DbContext(",
        "using Microsoft.EntityFrameworkCore; class C { async void M(DbContext db) { await db.",
        "using Microsoft.EntityFrameworkCore; class Order { } class Ctx : DbContext { DbSet<Order> Orders => Set<Order>(); async System.Threading.Tasks.Task M() { await Orders.",
        "using Microsoft.EntityFrameworkCore; class Order { } class Ctx : DbContext { public DbSet<Order> Orders { get; set; } } class C { async System.Threading.Tasks.Task M(Ctx db) { await db.Orders.",
        "using Microsoft.Extensions.DependencyInjection; class C { void M(IServiceCollection services) { services.AddSingleton<",
        "using Microsoft.Extensions.DependencyInjection; class C { void M(IServiceCollection services) { services.AddSingleton<Microsoft.EntityFrameworkCore.",
        "using Microsoft.Extensions.DependencyInjection; class C { void M(IServiceCollection services) { services.AddDbContext<>(); } }",
        "using Microsoft.Extensions.DependencyInjection; class C { void M(IServiceCollection services) { services.AddHostedService<W class W : Microsoft.Extensions.Hosting.BackgroundService { public W(Microsoft.EntityFrameworkCore.DbCon",
        "using Microsoft.EntityFrameworkCore; class C { void M() { using var x = ",
        "using Microsoft.EntityFrameworkCore; class C { async System.Threading.Tasks.Task M() { await using var db = new DbContext(; } }",
        "using Microsoft.EntityFrameworkCore; class C { void M() { using (var db = new DbContext(new DbContextOptions<DbContext>())) { db.SaveChanges(",
        "using Microsoft.EntityFrameworkCore; class C { static DbCon",
        "using Microsoft.EntityFrameworkCore; class C { static DbContext",
        "using Microsoft.EntityFrameworkCore; class C { static DbContext Db { get => ",
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) { db.SaveChangesAsync().",
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) { var n = db.SaveChangesAsync().Res } }",
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) { db.SaveChangesAsync().GetAwaiter().",
        "using Microsoft.EntityFrameworkCore; using System.Threading.Tasks; class C { Task M(DbContext db) { return Task.WhenAll(db.SaveChangesAsync(), db.",
        "using Microsoft.EntityFrameworkCore; using System.Threading.Tasks; class C { void M(DbContext db) { System.Threading.Tasks.Parallel.ForEach(new[] { 1 }, i => db.",
        // Typing the commit of a transaction that is already disposed by its using declaration and
        // committed on the line above: nothing finished is wrong yet.
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) { using var t = db.Database.BeginTransaction(); db.SaveChanges(); db.SaveChanges(); t.Commit(); t.",
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) { db.Database.ExecuteSqlRaw(\"SELECT * FROM t FOR UPDATE",
        "using Microsoft.AspNetCore.Http; class C { void M(HttpContext c) { var s = c.Session.GetString(",
        "using Microsoft.AspNetCore.Http; class C { void M(HttpResponse r) { r.Cookies.Append(\"session\", \"x\", new CookieOptions { HttpOnly = ",
        "using Microsoft.Extensions.Caching.Distributed; class C { async System.Threading.Tasks.Task M(IDistributedCache cache) { var v = cache.Get(",
        "using Microsoft.EntityFrameworkCore; class C { async System.Threading.Tasks.Task M(DbContext db) { await db.SaveChangesAsync(); } } }",
        "using Microsoft.EntityFrameworkCore; class C { async System.Threading.Tasks.Task M(DbContext db) { { { await db.SaveChangesAsync(); }",
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) } { db.SaveChangesAsync(); }",
        "using Microsoft.EntityFrameworkCore; class C : DbContext { C() : base( { } }",
        "using Microsoft.EntityFrameworkCore; class C { System.Func<DbContext> f = () => new DbContext(",
        "using Microsoft.EntityFrameworkCore; class C { System.Linq.IQueryable<object> M() { using var db = new DbContext(default!); return db.Set<object>().Where(x => x",
        "using Microsoft.EntityFrameworkCore; class C { async void M(IDbContextFactory<DbContext> f) { await using var db = await f.CreateDbContextAsync(); db.",
        "using Microsoft.EntityFrameworkCore; record R(DbContext Db) { void M() => Db.SaveChang",
        "using Microsoft.EntityFrameworkCore; class C<T> where T : DbContext { void M(T db) { db.SaveChangesAsync",
        "using Microsoft.EntityFrameworkCore; await using var db = new DbContext(new DbContextOptions<DbContext>()); await db.SaveChangesAsync(",
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) { db.Set<>().ToList(); } }",
        "using Microsoft.EntityFrameworkCore; class C { void M(DbContext db) { _ = db.SaveChangesAsync(); #if",
        "namespace N; using Microsoft.EntityFrameworkCore; partial class C { partial void M(DbContext db); partial void M(DbContext db) { _ = db.SaveChangesAsync(); } partial void M(DbContext db) { } }");

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public async Task NoDiagnosticNoException_OnBrokenSource(string source)
    {
        var failures = new List<Failure>();
        var solution = TestSolution.Create([(TestInput.Path, source)], ReferenceSet.Full, outputKind: source.Contains("await using var db = new DbContext(new", StringComparison.Ordinal) ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary);
        var diagnostics = await RobustnessRunner.AnalyzeAsync(solution.Projects.Single(), failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(diagnostics.IsEmpty, $"Half-typed code must not get our diagnostics:\n{source}\n" + string.Join("\n", diagnostics.Select(d => $"{d} on '{d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)}'")));
    }

    /// <summary>Lines of the suite's inputs where two of our diagnostics are legitimately
    /// reported: (the IDs, sorted and joined with '+', a piece of the line's text, why).</summary>
    private static readonly (string Ids, string LineContains, string Reason)[] AllowedPairs =
    [
        ("AP1005+AP3001", "Task.Run(", "two defects of one fire-and-forget: the task is dropped (AP3001, fix: await it) and the work uses a context that outlives its scope (AP1005, fix: a context of its own); DESIGN.md keeps AP1005 on discarded tasks too"),
        ("AP1005+AP3001", "Task.Factory.StartNew(", "as for Task.Run"),
        ("AP1005+AP3001+AP3004", "Task.Run(", "the pair above, and AP3004 beside it (see OrthogonalRule)"),
        ("AP3003+AP4002", "SaveChangesAsync().Wait(", "the save blocks (AP3003, fix: await it) and is one of several saves without a transaction (AP4002, fix: wrap them); independent fixes"),
    ];

    private const string OrthogonalRule = "AP3004";

    [Fact]
    public async Task NoLine_GetsTwoOfOurDiagnostics()
    {
        var offenders = new List<string>();
        var allowedUsed = 0;
        foreach (var input in TestInputs.All)
        {
            var failures = new List<Failure>();
            var solution = RobustnessRunner.CreateSolution(input, input.Text);
            var diagnostics = await RobustnessRunner.AnalyzeAsync(solution.Projects.Single(), failures);
            var text = Microsoft.CodeAnalysis.Text.SourceText.From(input.Text);
            var markedLines = input.Spans.GroupBy(s => text.Lines.GetLineFromPosition(s.Span.Start).LineNumber).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
            foreach (var line in diagnostics
                .Where(d => d.Location.IsInSource && d.Location.SourceTree!.FilePath == TestInput.Path)
                .GroupBy(d => d.Location.GetLineSpan().StartLinePosition.Line)
                .Where(g => g.Count() > 1))
            {
                var lineText = text.Lines[line.Key].ToString().Trim();
                var ids = string.Join("+", line.Select(d => d.Id).Order(StringComparer.Ordinal));
                if (line.Count(d => d.Id != OrthogonalRule) <= 1)
                {
                    // AP3004 only asks for a missing token argument: it sits beside any other
                    // finding on the same call, and its fix never touches the other's.
                    allowedUsed++;
                    continue;
                }

                if (markedLines.Contains(line.Key))
                {
                    continue; // the test's markup expects both
                }

                if (AllowedPairs.Any(a => a.Ids == ids && lineText.Contains(a.LineContains, StringComparison.Ordinal)))
                {
                    allowedUsed++;
                    continue;
                }

                offenders.Add($"{input.Origin}, line {line.Key + 1}: {ids}: {lineText}\n      " + string.Join("\n      ", line.Select(d => d.ToString())));
            }
        }

        output.WriteLine($"{TestInputs.All.Length} inputs; {allowedUsed} allow-listed lines");
        Assert.True(offenders.Count == 0, "Lines with two of our diagnostics (fix the overlap, or allow-list the pair with a reason in AllowedPairs):\n  " + string.Join("\n  ", offenders));
    }

    private static bool IsCompilerGenerated(MemberInfo member) => member.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) || member.Name.Contains('<', StringComparison.Ordinal);

    private static bool IsAutoPropertyBackingField(FieldInfo field) => field.Name.StartsWith('<') && field.Name.EndsWith(">k__BackingField", StringComparison.Ordinal);

    private static string DisplayName(FieldInfo field) => IsAutoPropertyBackingField(field) ? field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)] + " (auto-property)" : field.Name;

    private static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
        : type.Name;

    /// <summary>A collection whose contents can change after the readonly field is set: arrays,
    /// and every enumerable but strings and the immutable, frozen and read-only types.</summary>
    private static bool IsMutableCollection(Type type)
    {
        if (type.IsArray)
        {
            return true;
        }

        if (type == typeof(string) || !typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            return false;
        }

        var ns = type.Namespace ?? string.Empty;
        return !(ns == "System.Collections.Immutable"
            || ns == "System.Collections.Frozen"
            || type.Name.StartsWith("ReadOnly", StringComparison.Ordinal)
            || type.Name.StartsWith("IReadOnly", StringComparison.Ordinal)
            || type.Name.StartsWith("Immutable", StringComparison.Ordinal)
            || type.Name.StartsWith("IImmutable", StringComparison.Ordinal)
            || type.Name.StartsWith("Frozen", StringComparison.Ordinal));
    }

    /// <summary>Records what an analyzer's Initialize asks of the host; registers nothing.</summary>
    private sealed class RecordingAnalysisContext : AnalysisContext
    {
        public List<string> Calls { get; } = [];

        public List<GeneratedCodeAnalysisFlags> GeneratedCodeFlags { get; } = [];

        public override void EnableConcurrentExecution() => Calls.Add(nameof(EnableConcurrentExecution));

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode)
        {
            Calls.Add(nameof(ConfigureGeneratedCodeAnalysis));
            GeneratedCodeFlags.Add(analysisMode);
        }

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => Calls.Add(nameof(RegisterCompilationStartAction));

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => Calls.Add(nameof(RegisterCompilationAction));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => Calls.Add(nameof(RegisterSemanticModelAction));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => Calls.Add(nameof(RegisterSymbolAction));

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => Calls.Add(nameof(RegisterSymbolStartAction));

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => Calls.Add(nameof(RegisterCodeBlockStartAction));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => Calls.Add(nameof(RegisterCodeBlockAction));

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => Calls.Add(nameof(RegisterSyntaxTreeAction));

        public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => Calls.Add(nameof(RegisterAdditionalFileAction));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => Calls.Add(nameof(RegisterSyntaxNodeAction));

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => Calls.Add(nameof(RegisterOperationBlockStartAction));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => Calls.Add(nameof(RegisterOperationBlockAction));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => Calls.Add(nameof(RegisterOperationAction));
    }
}
