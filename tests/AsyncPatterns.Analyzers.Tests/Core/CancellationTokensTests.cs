using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.Analyzers.Tests.Core;

public class CancellationTokensTests
{
    private const string Source = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.AspNetCore.Mvc.RazorPages;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Hosting;

        class Plain
        {
            void Method(CancellationToken token)
            {
                Marker(1);
                Action<CancellationToken> inner = innerToken => Marker(2);
                Action captured = () => Marker(3);
                Action isolated = static () => Marker(4);
                void Local() => Marker(5);
                Func<HttpContext, CancellationToken, Task> both = (context, ct) => { Marker(6); return Task.CompletedTask; };
            }

            void NoToken(HttpContext http)
            {
                Marker(7);
                CancellationToken local = default;
                Marker(8);
            }

            void Nothing() => Marker(9);

            void Shadowed(CancellationToken token)
            {
                Action<int> shadow = x => { var token = 1; Marker(10); };
            }

            static void Marker(int n) { }
        }

        class Worker : BackgroundService
        {
            protected override Task ExecuteAsync(CancellationToken stoppingToken) { Marker(11); return Task.CompletedTask; }
            static void Marker(int n) { }
        }

        class OrdersController : ControllerBase
        {
            public void Get() => Marker(12);
            public void GetWithToken(CancellationToken cancellationToken) => Marker(13);
            public static void Helper() => Marker(14);
            static void Marker(int n) { }
        }

        class IndexModel : PageModel
        {
            public void OnGet() => Marker(15);
            static void Marker(int n) { }
        }

        class ShadowingController : ControllerBase
        {
            public void Get() { var HttpContext = 1; Marker(16); }
            static void Marker(int n) { }
        }

        class HidingController : ControllerBase
        {
            public new int HttpContext => 0;
            public void Get() => Marker(17);
            static void Marker(int n) { }
        }

        class UsingController : ControllerBase
        {
            public void Get(int id) { var aborted = HttpContext.RequestAborted; Marker(18); }
            static void Marker(int n) { }
        }
        """;

    [Theory]
    [InlineData(1, "token")]
    [InlineData(2, "innerToken")]
    [InlineData(3, "token")]
    [InlineData(4, null)]
    [InlineData(5, "token")]
    [InlineData(6, "ct")]
    [InlineData(7, "http.RequestAborted")]
    [InlineData(8, "http.RequestAborted")]
    [InlineData(9, null)]
    [InlineData(11, "stoppingToken")]
    [InlineData(12, "HttpContext.RequestAborted")]
    [InlineData(13, "cancellationToken")]
    [InlineData(14, null)]
    [InlineData(15, "HttpContext.RequestAborted")]
    public void Find_TokenInScope(int marker, string? expected)
    {
        var (operation, types) = At(marker);
        Assert.Equal(expected, CancellationTokens.Find(operation, null, types)?.Expression);
    }

    [Fact]
    public void Find_ShadowedNameIsSkipped()
    {
        var (operation, types) = At(10);
        Assert.Null(CancellationTokens.Find(operation, null, types));
    }

    [Theory]
    [InlineData(16)] // a local of the name
    [InlineData(17)] // a member of the name in the derived class hides the property
    public void Find_HiddenHttpContextIsSkipped(int marker)
    {
        var (operation, types) = At(marker);
        Assert.Null(CancellationTokens.Find(operation, null, types));
    }

    [Fact]
    public void Find_NameUsedButNotDeclaredAgainStaysVisible()
    {
        var (operation, types) = At(18);
        Assert.Equal("HttpContext.RequestAborted", CancellationTokens.Find(operation, null, types)!.Expression);
    }

    [Fact]
    public void Find_SymbolAndKind()
    {
        var (operation, types) = At(7);
        var token = CancellationTokens.Find(operation, null, types)!;
        Assert.True(token.IsRequestAborted);
        Assert.Equal("http", token.Symbol.Name);

        (operation, types) = At(1);
        token = CancellationTokens.Find(operation, null, types)!;
        Assert.False(token.IsRequestAborted);
        Assert.IsAssignableFrom<IParameterSymbol>(token.Symbol);
    }

    private static (IOperation Operation, KnownTypes Types) At(int marker)
    {
        var compilation = CSharpCompilation.Create(
            "T",
            new[] { CSharpSyntaxTree.ParseText(Source) },
            ReferenceSet.Full.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var call = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Single(i => i.Expression.ToString() == "Marker" && i.ArgumentList.Arguments[0].ToString() == marker.ToString());
        return (model.GetOperation(call)!, KnownTypes.Create(compilation)!);
    }
}
