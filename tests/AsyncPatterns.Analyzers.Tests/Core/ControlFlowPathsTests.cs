using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>
/// The shortcut that spares AP4003 a control-flow graph must never claim more than the graph:
/// where it answers "stop follows start on every path", the graph's walk must find no path around.
/// </summary>
public class ControlFlowPathsTests
{
    [Theory]
    [InlineData("Start(); Work(); Stop();", true)]
    [InlineData("Start(); foreach (var i in new[] { 1 }) { Work(); } Stop(); Work();", true)]
    [InlineData("Start(); if (flag) { return; } Stop();", false)]
    [InlineData("Start(); if (flag) { Stop(); }", false)]
    [InlineData("Stop(); Start();", false)]
    [InlineData("while (flag) { Start(); if (flag) { break; } Stop(); }", false)]
    [InlineData("Start(); System.Action a = () => { return; }; System.Func<int, int> f = x => x; Stop();", true)]
    [InlineData("Start(); void Local() { return; } Local(); Stop();", true)]
    [InlineData("Start(); switch (flag) { case true: Work(); break; } Stop();", false)]
    [InlineData("Start(); var x = flag ? 1 : 2; Stop();", true)]
    public void FollowsInSameBlock_NeverClaimsMoreThanTheGraph(string body, bool expected)
    {
        var source = "class C { bool flag; void M() { " + body + " } void Start() { } void Stop() { } void Work() { } }";
        var compilation = CSharpCompilation.Create("T", new[] { CSharpSyntaxTree.ParseText(source) }, ReferenceSet.NetOnly.References);
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First();
        var root = model.GetOperation(method)!;
        var calls = root.Descendants().OfType<IInvocationOperation>().ToList();
        var start = calls.First(c => c.TargetMethod.Name == "Start");
        var stop = calls.First(c => c.TargetMethod.Name == "Stop");

        var follows = ControlFlowPaths.FollowsInSameBlock(start, stop);

        Assert.Equal(expected, follows);
        if (follows)
        {
            var graph = ControlFlowGraph.Create((IMethodBodyOperation)root);
            Assert.False(ControlFlowPaths.ReachesExitWithout(graph, start.Syntax, o => o is IInvocationOperation { TargetMethod.Name: "Stop" }));
        }
    }
}

public class ControlFlowPathsTransactionShapeTests
{
    [Fact]
    public void FollowsInSameBlock_AwaitedCommitAfterAwaitUsingDeclaration()
    {
        const string source = """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            class C
            {
                async Task<int> M(DbContext db, CancellationToken cancellationToken)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    var removed = await db.Set<object>().Where(x => x != null).ExecuteDeleteAsync(cancellationToken);
                    foreach (var i in new[] { 1, 2 }) { removed += i; }
                    await transaction.CommitAsync(cancellationToken);
                    return removed;
                }
            }
            """;
        var compilation = CSharpCompilation.Create("T", new[] { CSharpSyntaxTree.ParseText(source) }, ReferenceSet.Full.References);
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First();
        var calls = model.GetOperation(method)!.Descendants().OfType<IInvocationOperation>().ToList();

        Assert.True(ControlFlowPaths.FollowsInSameBlock(
            calls.First(c => c.TargetMethod.Name == "BeginTransactionAsync"),
            calls.First(c => c.TargetMethod.Name == "CommitAsync")));
    }
}
