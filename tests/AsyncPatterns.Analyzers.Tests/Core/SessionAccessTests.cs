using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>
/// What <see cref="SessionAccess.Classify(IOperation, KnownTypes, SessionMemberCache?)"/> makes of
/// one expression, whatever static type the session is held as: the interface, ASP.NET Core's own
/// class, a user's class, or a type parameter constrained to the interface.
/// </summary>
public class SessionAccessTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Session;

        public abstract class MySession : ISession
        {
            public abstract bool IsAvailable { get; }
            public abstract string Id { get; }
            public abstract IEnumerable<string> Keys { get; }
            public abstract void Clear();
            public abstract Task CommitAsync(CancellationToken cancellationToken = default);
            public abstract Task LoadAsync(CancellationToken cancellationToken = default);
            public abstract void Remove(string key);
            public abstract void Set(string key, byte[] value);
            public abstract bool TryGetValue(string key, out byte[] value);
        }

        public static class Helpers
        {
            public static string Read<TSession>(this TSession session, string key) where TSession : ISession => session.GetString(key) ?? "";
            public static int Count<T>(this IEnumerable<T> items, int extra) => extra;
            public static string Describe<T>(this T item) => item?.ToString() ?? "";
            public static string Peek(this MySession session, string key) => session.GetString(key) ?? "";
            public static string Shout(this Entity entity) => entity.Id.ToUpperInvariant();
        }

        public class Entity { public string Id { get; set; } = ""; public int Number { get; set; } }

        public class C
        {
            public void M(ISession session, DistributedSession distributed, MySession mine, List<string> names, Entity entity)
            {
                STATEMENT;
            }
        }
        """;

    [Theory]
    [InlineData("var value = session.GetString(\"k\")", "Read")]
    [InlineData("var value = distributed.GetString(\"k\")", "Read")]
    [InlineData("var value = mine.GetInt32(\"k\")", "Read")]
    [InlineData("var value = session.Get(\"k\")", "Read")]
    [InlineData("var value = mine.Keys", "Read")]
    [InlineData("var value = distributed.Id", "Read")]
    [InlineData("var value = mine.IsAvailable", "Read")]
    [InlineData("var value = mine.TryGetValue(\"k\", out var _)", "Read")]
    [InlineData("session.SetString(\"k\", \"v\")", "Write")]
    [InlineData("distributed.SetInt32(\"k\", 1)", "Write")]
    [InlineData("var value = mine.LoadAsync()", "Load")]
    [InlineData("var value = distributed.CommitAsync()", "Commit")]
    [InlineData("var value = names.Where(n => n.Length > 0)", "None")]
    [InlineData("var value = names.Count(1)", "None")]
    [InlineData("var value = session.Read(\"k\")", "Read")]
    [InlineData("var value = mine.Read(\"k\")", "Read")]
    [InlineData("var value = distributed.Read(\"k\")", "Read")]
    [InlineData("var value = mine.Peek(\"k\")", "Read")]
    [InlineData("var value = entity.Describe()", "None")]
    [InlineData("var value = names.Describe()", "None")]
    [InlineData("var value = entity.Shout()", "None")]
    [InlineData("var value = entity.Id", "None")]
    [InlineData("var value = entity.Number", "None")]
    public void ClassifiesTheOutermostExpression(string statement, string expected)
    {
        var (compilation, tree) = Compile(statement);
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "M");
        var expression = method.Body!.Statements.Single() switch
        {
            LocalDeclarationStatementSyntax declaration => declaration.Declaration.Variables.Single().Initializer!.Value,
            ExpressionStatementSyntax expressionStatement => expressionStatement.Expression,
            var other => throw new InvalidOperationException(other.ToString()),
        };
        var operation = model.GetOperation(expression)!;

        var types = KnownTypes.Create(compilation)!;
        Assert.Equal(expected, SessionAccess.Classify(operation, types, new SessionMemberCache()).ToString());
        Assert.Equal(expected, SessionAccess.Classify(operation, types).ToString());
    }

    private static (Compilation Compilation, SyntaxTree Tree) Compile(string statement)
    {
        var source = Prelude.Replace("STATEMENT", statement);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Sessions",
            new[] { tree },
            ReferenceSet.Full.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return (compilation, tree);
    }
}
