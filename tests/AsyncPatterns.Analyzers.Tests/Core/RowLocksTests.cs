using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>Core/RowLocks on its own: which calls take row locks, on which table, by which key.</summary>
public class RowLocksTests
{
    [Theory]
    [InlineData("SELECT * FROM a WHERE id = 1 FOR UPDATE", true)]
    [InlineData("select * from a where id = 1 for\n\tno   key update", true)]
    [InlineData("SELECT * FROM a WHERE id = 1 FOR SHARE", true)]
    [InlineData("SELECT * FROM a WHERE id = 1 for key share", true)]
    [InlineData("SELECT * FROM a WITH (UPDLOCK, ROWLOCK) WHERE id = 1", true)]
    [InlineData("SELECT * FROM a WITH (xlock) WHERE id = 1", true)]
    [InlineData("SELECT * FROM a WITH (HOLDLOCK) WHERE id = 1", true)]
    [InlineData("SELECT * FROM a WHERE id = 1 LOCK IN SHARE MODE", true)]
    [InlineData("SELECT * FROM a WHERE id = 1", false)]
    [InlineData("SELECT * FROM information_for_update_log WHERE id = 1", false)]
    [InlineData("UPDATE a SET x = 1 WHERE id = 1", false)]
    public void HasLockClause(string sql, bool expected) => Assert.Equal(expected, RowLocks.HasLockClause(sql));

    [Theory]
    [InlineData("SELECT * FROM a WHERE id = ANY(@ids) FOR UPDATE", 37)]
    [InlineData("SELECT * FROM a WHERE id IN (1, 2) LOCK IN SHARE MODE", 35)]
    [InlineData("SELECT * FROM a WITH (UPDLOCK) WHERE id IN (1, 2)", -1)]
    public void OrderByInsertionPoint(string sql, int expected) => Assert.Equal(expected, RowLocks.OrderByInsertionPoint(sql));

    [Theory]
    [InlineData("accounts", "account")]
    [InlineData("\"public\".\"Accounts\"", "account")]
    [InlineData("[dbo].[Account]", "account")]
    [InlineData("Account", "account")]
    public void NormalizeTable(string table, string expected) => Assert.Equal(expected, RowLocks.NormalizeTable(table));

    [Fact]
    public void LockMethodSet_ParsesTypeQualifiedAndBareNames()
    {
        var set = LockMethodSet.Parse(" MyRepo.LockAccountAsync , LockRow,,");
        var (compilation, _) = Compile("""
            public class MyRepo { public void LockAccountAsync(int id) { } public void LockRow(int id) { } public void Other(int id) { } }
            public class OtherRepo { public void LockAccountAsync(int id) { } public void LockRow(int id) { } }
            """);
        IMethodSymbol Method(string type, string name) => (IMethodSymbol)compilation.GetTypeByMetadataName(type)!.GetMembers(name).Single();

        Assert.True(set.Contains(Method("MyRepo", "LockAccountAsync")));
        Assert.True(set.Contains(Method("MyRepo", "LockRow")));
        Assert.True(set.Contains(Method("OtherRepo", "LockRow")));
        Assert.False(set.Contains(Method("OtherRepo", "LockAccountAsync")));
        Assert.False(set.Contains(Method("MyRepo", "Other")));
        Assert.True(LockMethodSet.Parse(null).IsEmpty);
        Assert.True(LockMethodSet.Parse("  ").IsEmpty);
    }

    private const string Source = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Account { public int Id { get; set; } public decimal Balance { get; set; } }
        public class BankContext : DbContext { public DbSet<Account> Accounts => Set<Account>(); }

        public class Subject(BankContext db)
        {
            private const string Prefix = "SELECT * FROM \"Accounts\" WHERE \"Id\" = ";

            public async Task M(int fromId, int toId, int[] ids)
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                /*interpolated*/db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE id = {fromId} FOR UPDATE");
                /*raw*/db.Accounts.FromSqlRaw("SELECT * FROM accounts WHERE id = {0} FOR UPDATE", toId);
                /*p0*/db.Database.ExecuteSqlRaw("SELECT 1 FROM accounts WITH (UPDLOCK) WHERE id = @p0", toId);
                /*concat*/db.Accounts.FromSqlRaw(Prefix + "{0} FOR SHARE", fromId);
                /*multi*/db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = ANY({ids}) FOR UPDATE");
                /*plain*/db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = {fromId}");
                /*bulk*/db.Accounts.Where(a => a.Id == toId).ExecuteDelete();
                /*bulkNoKey*/db.Accounts.Where(a => a.Balance == 0).ExecuteDelete();
            }
        }
        """;

    private static (Compilation Compilation, SyntaxTree Tree) Compile(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create("Core", [tree], ReferenceSet.Full.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (compilation, tree);
    }

    private static RowLockAcquisition? At(string marker, bool inTransaction = true)
    {
        var (compilation, tree) = Compile(Source);
        var model = compilation.GetSemanticModel(tree);
        var data = DataAccessModel.Create(compilation)!;
        var comment = tree.GetRoot().DescendantTrivia().Single(t => t.ToString() == $"/*{marker}*/");
        var statement = comment.Token.Parent!.FirstAncestorOrSelf<ExpressionStatementSyntax>()!;
        var invocation = (IInvocationOperation)model.GetOperation(statement.Expression)!;
        return RowLocks.Recognize(invocation, data, LockMethodSet.Empty, _ => inTransaction);
    }

    [Fact]
    public void Recognize_InterpolatedSql_TableAndKeyFromTheHole()
    {
        var acquisition = At("interpolated")!;
        Assert.Equal(RowLockSource.Sql, acquisition.Source);
        Assert.Equal("accounts", acquisition.Table);
        Assert.Equal("fromId", acquisition.Key!.Syntax.ToString());
        Assert.Equal("id", acquisition.KeyColumn);
        Assert.False(acquisition.IsMultiRow);
        Assert.True(acquisition.IsPureLock);
        Assert.IsType<InterpolatedStringTextSyntax>(acquisition.LockClauseSegment);
    }

    [Fact]
    public void Recognize_RawSqlParameters_FormatItemAndAtP0()
    {
        Assert.Equal("toId", At("raw")!.Key!.Syntax.ToString());
        var p0 = At("p0")!;
        Assert.Equal("toId", p0.Key!.Syntax.ToString());
        Assert.Equal("accounts", p0.Table);
    }

    [Fact]
    public void Recognize_ConstFieldConcatenation()
    {
        var acquisition = At("concat")!;
        Assert.Equal("\"Accounts\"", acquisition.Table);
        Assert.Equal("account", acquisition.TableKey);
        Assert.Equal("fromId", acquisition.Key!.Syntax.ToString());
        Assert.Null(acquisition.LockClauseSegment is LiteralExpressionSyntax literal && literal.Token.ValueText.StartsWith("SELECT") ? literal : null);
    }

    [Fact]
    public void Recognize_MultiRowWithoutOrderBy()
    {
        var acquisition = At("multi")!;
        Assert.True(acquisition.IsMultiRow);
        Assert.False(acquisition.HasOrderBy);
        Assert.Equal("id", acquisition.KeyColumn);
    }

    [Fact]
    public void Recognize_NoLockClause_IsNotALock() => Assert.Null(At("plain"));

    [Fact]
    public void Recognize_BulkDelete_ByKeyInsideTransactionOnly()
    {
        var acquisition = At("bulk")!;
        Assert.Equal(RowLockSource.BulkUpdate, acquisition.Source);
        Assert.Equal("Account", acquisition.Table);
        Assert.Equal("toId", acquisition.Key!.Syntax.ToString());
        Assert.False(acquisition.IsPureLock);
        Assert.Null(At("bulk", inTransaction: false));
        Assert.Null(At("bulkNoKey"));
    }
}
