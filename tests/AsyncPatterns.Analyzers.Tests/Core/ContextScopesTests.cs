using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>The lifetime helpers AP1005 reads (ContextScopes, DeferredQueries, BackgroundWork, CancellationTokens), on their own.</summary>
public class ContextScopesTests
{
    private const string Source = """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        public class Order { public int Id { get; set; } }

        public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
        {
            public DbSet<Order> Orders => Set<Order>();
        }

        public class Subject(ShopContext injected, IDbContextFactory<ShopContext> factory, IServiceProvider services)
        {
            public object M(CancellationToken outer)
            {
                using var own = factory.CreateDbContext();
                using var scope = services.CreateScope();
                var resolved = scope.ServiceProvider.GetRequiredService<ShopContext>();
                var plain = factory.CreateDbContext();
                Func<CancellationToken, object> inner = token => /*inner*/own.Orders;
                Func<object> noToken = () => /*noToken*/own.Orders;
                Func<object> isolated = static () => /*isolated*/0;
                _ = Task.Run(() => 0);
                var awaitedLater = Task.Run(() => 1);
                awaitedLater.Wait();
                object query = /*query*/own.Orders.AsEnumerable().Where(o => o.Id > 0);
                object list = /*list*/own.Orders.ToList();
                object i = /*injected*/injected;
                object r = /*resolved*/resolved;
                object p = /*plain*/plain;
                return query;
            }
        }
        """;

    private static (Compilation Compilation, SemanticModel Model, DataAccessModel Data, SyntaxTree Tree) Compile()
    {
        var tree = CSharpSyntaxTree.ParseText(Source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create("Core", [tree], ReferenceSet.Full.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (compilation, compilation.GetSemanticModel(tree), DataAccessModel.Create(compilation)!, tree);
    }

    private static IOperation At(SemanticModel model, SyntaxTree tree, string marker)
    {
        var position = Source.IndexOf("/*" + marker + "*/", StringComparison.Ordinal) + marker.Length + 4;
        var node = tree.GetRoot().FindToken(position).Parent!;
        var expression = node.AncestorsAndSelf().OfType<ExpressionSyntax>().Last(e => e.SpanStart == position);
        return model.GetOperation(expression)!;
    }

    [Fact]
    public void Disposal_UsingLocalScopeResolvedAndNone()
    {
        var (_, model, data, tree) = Compile();
        var returnStatement = tree.GetRoot().DescendantNodes().OfType<ReturnStatementSyntax>().Single();

        var own = ContextScopes.GetDisposal(data.GetContextInstance(At(model, tree, "query")), model);
        Assert.NotNull(own);
        Assert.False(own!.IsServiceScope);
        Assert.True(own.IsAliveAndDisposedOnReturn(returnStatement));

        var resolved = ContextScopes.GetDisposal(data.GetContextInstance(At(model, tree, "resolved")), model);
        Assert.NotNull(resolved);
        Assert.True(resolved!.IsServiceScope);
        Assert.Equal("scope", resolved.DisposedLocal.Name);

        Assert.Null(ContextScopes.GetDisposal(data.GetContextInstance(At(model, tree, "injected")), model));
        Assert.Null(ContextScopes.GetDisposal(data.GetContextInstance(At(model, tree, "plain")), model));

        // Inside a lambda the using's function has not returned yet.
        Assert.False(own.IsAliveAndDisposedOnReturn(At(model, tree, "noToken").Syntax));
    }

    [Fact]
    public void DeferredQueries_ViewsAreDeferredMaterializedAreNot()
    {
        var (_, model, data, tree) = Compile();
        Assert.True(data.IsDeferredEfQuery(At(model, tree, "query")));
        Assert.False(data.IsDeferredEfQuery(At(model, tree, "list")));
    }

    [Fact]
    public void CancellationTokens_InnermostParameterThenMethod()
    {
        var (_, model, data, tree) = Compile();
        Assert.Equal("token", CancellationTokens.FindTokenInScope(At(model, tree, "inner"), data.Types)?.Name);
        Assert.Equal("outer", CancellationTokens.FindTokenInScope(At(model, tree, "noToken"), data.Types)?.Name);
        Assert.Null(CancellationTokens.FindTokenInScope(At(model, tree, "isolated"), data.Types));
    }

    [Fact]
    public void BackgroundWork_FateOfDiscardedAndAwaitedTasks()
    {
        var (_, model, data, tree) = Compile();
        var starts = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Select(i => model.GetOperation(i)!)
            .Select(o => BackgroundWork.TryGet(o, data.Types))
            .Where(w => w != null)
            .ToList();
        Assert.Equal(2, starts.Count);
        Assert.Equal("Task.Run", starts[0]!.Name);
        Assert.NotNull(starts[0]!.Body);
        Assert.Equal(TaskFate.NotAwaited, BackgroundWork.GetFate(starts[0]!.Start, data.Types));
        Assert.Equal(TaskFate.Awaited, BackgroundWork.GetFate(starts[1]!.Start, data.Types));
    }
}
