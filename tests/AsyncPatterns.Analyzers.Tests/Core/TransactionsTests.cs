using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>Core/Transactions on its own: which transaction operations a method has, and whether one is open at an operation.</summary>
public class TransactionsTests
{
    private const string Source = """
        using System;
        using System.Data.Common;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Transactions;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Storage;

        public class Order { public int Id { get; set; } }

        public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
        {
            public DbSet<Order> Orders => Set<Order>();
        }

        public class Subject(ShopContext db, ShopContext other, IDbContextFactory<ShopContext> factory)
        {
            public async Task UsingDeclaration(CancellationToken ct)
            {
                using var own = factory.CreateDbContext();
                /*beforeBegin*/db.SaveChanges();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                /*afterBegin*/db.SaveChanges();
                /*otherContext*/own.SaveChanges();
                if (ct.IsCancellationRequested)
                {
                    /*nested*/db.SaveChanges();
                }

                await tx.CommitAsync(ct);
                /*afterCommit*/db.SaveChanges();
            }

            public void UsingStatement()
            {
                using (var tx = db.Database.BeginTransaction())
                {
                    /*inUsing*/db.SaveChanges();
                    tx.Commit();
                }

                /*afterUsing*/db.SaveChanges();
            }

            public void DatabaseFacadeForm()
            {
                db.Database.BeginTransaction();
                /*facade*/db.SaveChanges();
                db.Database.CommitTransaction();
                /*facadeCommitted*/db.SaveChanges();
            }

            public void Ambient()
            {
                using var scope = new TransactionScope();
                /*ambient*/other.SaveChanges();
                scope.Complete();
            }

            public void External(DbTransaction transaction)
            {
                db.Database.UseTransaction(transaction);
                /*used*/db.SaveChanges();
                db.Database.UseTransaction(null);
                /*stoppedUsing*/db.SaveChanges();
            }

            public void BeganInBranch(bool b)
            {
                if (b)
                {
                    db.Database.BeginTransaction();
                }

                /*afterBranch*/db.SaveChanges();
            }

            public void Lambda()
            {
                using var tx = db.Database.BeginTransaction();
                Action a = () => /*inLambda*/db.SaveChanges();
                var strategy = db.Database.CreateExecutionStrategy();
                strategy.Execute(() =>
                {
                    using var inner = db.Database.BeginTransaction();
                    /*inStrategy*/db.SaveChanges();
                    inner.Commit();
                });
                tx.Commit();
            }
        }
        """;

    private static (SemanticModel Model, DataAccessModel Data, SyntaxTree Tree) Compile()
    {
        var tree = CSharpSyntaxTree.ParseText(Source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create("Core", [tree], ReferenceSet.Full.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (compilation.GetSemanticModel(tree), DataAccessModel.Create(compilation)!, tree);
    }

    /// <summary>The SaveChanges invocation after the marker.</summary>
    private static IInvocationOperation At(SemanticModel model, SyntaxTree tree, string marker)
    {
        var position = Source.IndexOf("/*" + marker + "*/", StringComparison.Ordinal);
        Assert.True(position >= 0, marker);
        position += marker.Length + 4;
        var node = tree.GetRoot().FindToken(position).Parent!;
        var invocation = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().First();
        return (IInvocationOperation)model.GetOperation(invocation)!;
    }

    private static OpenTransaction? OpenAt(string marker)
    {
        var (model, data, tree) = Compile();
        var save = At(model, tree, marker);
        return ExplicitTransactions.FindOpenTransaction(save, data.Classify(save)!.Context, data);
    }

    [Theory]
    [InlineData("afterBegin", "BeginTransaction")]
    [InlineData("nested", "BeginTransaction")]
    [InlineData("inUsing", "BeginTransaction")]
    [InlineData("facade", "BeginTransaction")]
    [InlineData("ambient", "TransactionScope")]
    [InlineData("used", "UseTransaction")]
    [InlineData("inStrategy", "BeginTransaction")]
    public void FindOpenTransaction_Open(string marker, string kind)
        => Assert.Equal(kind, OpenAt(marker)?.Kind.ToString());

    [Theory]
    [InlineData("beforeBegin")]
    [InlineData("otherContext")]
    [InlineData("afterCommit")]
    [InlineData("afterUsing")]
    [InlineData("facadeCommitted")]
    [InlineData("stoppedUsing")]
    [InlineData("afterBranch")]
    [InlineData("inLambda")]
    public void FindOpenTransaction_NotOpen(string marker)
        => Assert.Null(OpenAt(marker));

    [Fact]
    public void FindOpenTransaction_OriginIsTheBeginAndItsLocal()
    {
        var open = OpenAt("afterBegin");
        Assert.NotNull(open);
        Assert.Equal(TransactionOperationKind.Begin, open!.Origin.Kind);
        Assert.Equal("tx", open.Origin.Transaction?.Name);
        Assert.Equal("db", open.Origin.Context?.DisplayName);
    }

    [Fact]
    public void GetTransactionOperations_InSourceOrderWithTheirLocals()
    {
        var (model, data, tree) = Compile();
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.ValueText == "UsingDeclaration");
        var operations = ExplicitTransactions.GetTransactionOperations(model.GetOperation(method), data);
        Assert.Equal(
            new[] { TransactionOperationKind.Begin, TransactionOperationKind.Commit },
            operations.Select(o => o.Kind));
        Assert.All(operations, o => Assert.Equal("tx", o.Transaction?.Name));
        Assert.True(operations[1].Completes);
    }

    [Fact]
    public void GetTransactionOperations_FacadeUseAndScope()
    {
        var (model, data, tree) = Compile();
        TransactionOperationKind[] Kinds(string name)
        {
            var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.ValueText == name);
            return ExplicitTransactions.GetTransactionOperations(model.GetOperation(method), data).Select(o => o.Kind).ToArray();
        }

        Assert.Equal(new[] { TransactionOperationKind.Begin, TransactionOperationKind.Commit }, Kinds("DatabaseFacadeForm"));
        Assert.Equal(new[] { TransactionOperationKind.Use, TransactionOperationKind.StopUsing }, Kinds("External"));
        Assert.Equal(new[] { TransactionOperationKind.ScopeCreation }, Kinds("Ambient"));
    }
}
