using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tests.Core;

public class OperationTreesTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        class C
        {
            int _field = Compute(1, 2);
            static int Compute(int a, int b) => a + b * (a - b);
            async Task<int> M(List<int> items, string? text)
            {
                var total = 0;
                foreach (var item in items.Where(i => i > 0).Select(i => new { i, Twice = i * 2 }))
                {
                    total += item.Twice switch { > 10 => 1, _ => Local(item.i) };
                }

                try
                {
                    await Task.Delay(total);
                    total = text?.Length ?? (total > 0 ? total : -total);
                }
                catch (InvalidOperationException e) when (e.Message.Length > 0)
                {
                    throw;
                }
                finally
                {
                    Action a = () => { _field++; };
                    a();
                }

                using (var s = new System.IO.MemoryStream()) { s.WriteByte((byte)total); }
                return $"{total}:{text}".Length;

                int Local(int x) { if (x == 0) { return 0; } return x + Local(x - 1); }
            }
        }
        """;

    [Fact]
    public void Descendants_AreRoslynsDescendants_InTheSameOrder_WithAndWithoutTheRoot()
    {
        var tree = CSharpSyntaxTree.ParseText(Source);
        var compilation = CSharpCompilation.Create("T", [tree], ReferenceSet.NetOnly.References);
        var model = compilation.GetSemanticModel(tree);
        var roots = tree.GetRoot().DescendantNodes()
            .Where(n => n is MethodDeclarationSyntax or VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax })
            .Select(n => n is VariableDeclaratorSyntax v ? model.GetOperation(v.Initializer!) : model.GetOperation(n))
            .ToList();

        Assert.Equal(3, roots.Count);
        var walked = 0;
        foreach (var root in roots)
        {
            Assert.NotNull(root);
            var expected = root.Descendants().ToList();
            var actual = new List<IOperation>();
            foreach (var operation in OperationTrees.Descendants(root))
            {
                actual.Add(operation);
            }

            Assert.Equal(expected, actual);
            walked += actual.Count;

            var withSelf = new List<IOperation>();
            foreach (var operation in OperationTrees.DescendantsAndSelf(root))
            {
                withSelf.Add(operation);
            }

            Assert.Equal(root.DescendantsAndSelf(), withSelf);
        }

        Assert.True(walked > 100, $"only {walked} operations");
    }
}
