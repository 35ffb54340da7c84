using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>
/// AP2002 reads the variables a statement reads and writes from its operation tree instead of
/// SemanticModel.AnalyzeDataFlow (which walks the whole method for every statement): the two must
/// agree on the variables declared outside the statement, and on the ones it declares.
/// </summary>
public class SequentialQueriesTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        class C
        {
            int field;
            void M(int p, ref int r, List<int> list)
            {
                int a = 1, b;
                var total = p + a;
                b = total * 2;
                a += b;
                r++;
                total = list.Where(x => x > a && x < p).Count();
                var (d, e) = (a, b);
                (d, e) = (e, d);
                Set(out var f, ref total);
                Set(out b, ref r);
                field = d;
                var g = field + this.field;
                Func<int> h = () => total++;
                var i = a > 0 ? p : r;
                i ??= 0;
                Console.WriteLine(e + f + g + h() + i);
            }
            static void Set(out int x, ref int y) { x = y; y = 0; }
        }
        """;

    [Fact]
    public void CollectVariableAccess_AgreesWithDataFlowAnalysis()
    {
        var compilation = CSharpCompilation.Create("T", new[] { CSharpSyntaxTree.ParseText(Source) }, ReferenceSet.NetOnly.References);
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First();
        var statements = method.Body!.Statements;
        Assert.Equal(16, statements.Count);
        foreach (var statement in statements)
        {
            var flow = model.AnalyzeDataFlow(statement)!;
            Assert.True(flow.Succeeded);
            var reads = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var writes = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            SequentialQueries.CollectVariableAccess(model.GetOperation(statement)!, reads, writes);

            // Lambda parameters live and die inside the statement; `this` is no variable of ours.
            bool Compared(ISymbol s) => s is not IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } }
                                        && s is not IParameterSymbol { IsThis: true };
            Assert.Equal(Names(flow.ReadInside.Where(Compared)), Names(reads.Where(Compared)));
            Assert.Equal(Names(flow.WrittenInside.Where(Compared)), Names(writes.Where(Compared)));
        }
    }

    private static string Names(IEnumerable<ISymbol> symbols) => string.Join(",", symbols.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal));
}
