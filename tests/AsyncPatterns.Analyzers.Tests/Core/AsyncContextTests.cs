using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.Analyzers.Tests.Core;

public class AsyncContextTests
{
    private const string Source = """
        using System;
        using System.Threading.Tasks;
        class C
        {
            async Task Outer()
            {
                Marker(1);
                Action sync = () => Marker(2);
                Func<Task> lambda = async () => { Marker(3); await Task.Yield(); };
                void Local() => Marker(4);
                async Task LocalAsync() { Marker(5); await Task.Yield(); }
                await Task.Yield();
            }
            void Sync() => Marker(6);
            static void Marker(int n) { }
        }
        """;

    [Theory]
    [InlineData(1, true, "method", "Outer")]
    [InlineData(2, false, "lambda", "Outer")]
    [InlineData(3, true, "lambda", "Outer")]
    [InlineData(4, false, "local function", "Local")]
    [InlineData(5, true, "local function", "LocalAsync")]
    [InlineData(6, false, "method", "Sync")]
    public void EnclosingFunction(int marker, bool isAsync, string kind, string name)
    {
        var compilation = CSharpCompilation.Create("T", new[] { CSharpSyntaxTree.ParseText(Source) }, ReferenceSet.NetOnly.References);
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var call = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Single(i => i.Expression.ToString() == "Marker" && i.ArgumentList.Arguments[0].ToString() == marker.ToString());
        var operation = model.GetOperation(call)!;
        var member = model.GetEnclosingSymbol(call.SpanStart);
        while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            member = member.ContainingSymbol;
        }

        var function = AsyncContext.GetEnclosingFunction(operation, member)!;

        Assert.Equal(isAsync, AsyncContext.IsInAsyncFunction(operation, member));
        Assert.Equal(kind, AsyncContext.DescribeKind(function));
        Assert.Equal(name, AsyncContext.DescribeName(function));
    }
}
