using AsyncPatterns.Analyzers.Core;
using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.Analyzers.Tests.Core;

/// <summary>The cookie recognition AP5002 reads, on its own: names, durations, TimeSpan constants, and
/// resolution without EF Core.</summary>
public class CookieConfigurationTests
{
    [Theory]
    [InlineData(".AspNetCore.Session", true)]
    [InlineData(".Shop.Session", true)]
    [InlineData("ASP.NET_SessionId", true)]
    [InlineData("sid", true)]
    [InlineData("user_sid", true)]
    [InlineData("access_token", true)]
    [InlineData("AuthToken", true)]
    [InlineData("refreshToken", true)]
    [InlineData("jwt", true)]
    [InlineData(".AspNetCore.Cookies", true)]
    [InlineData(".AspNetCore.Identity.Application", true)]
    [InlineData("theme", false)]
    [InlineData(".AspNetCore.Culture", false)]
    [InlineData("sidebar", false)]
    [InlineData("author", false)]
    [InlineData("consider", false)]
    [InlineData("XSRF-TOKEN", false)]
    [InlineData(".AspNetCore.Antiforgery.abc", false)]
    [InlineData("", false)]
    public void IsSensitiveName(string name, bool expected)
        => Assert.Equal(expected, CookieConfiguration.IsSensitiveName(name));

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("8h", 8 * 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1.5h", 5400)]
    [InlineData("90s", 90)]
    [InlineData(" 2D ", 2 * 86400)]
    [InlineData("08:00:00", 8 * 3600)]
    [InlineData("1.00:00:00", 86400)]
    public void TryParseDuration_Accepts(string text, int seconds)
    {
        Assert.True(CookieConfiguration.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0m")]
    [InlineData("-1d")]
    [InlineData("forever")]
    [InlineData("-01:00:00")]
    public void TryParseDuration_Rejects(string? text)
        => Assert.False(CookieConfiguration.TryParseDuration(text, out _));

    [Theory]
    [InlineData("TimeSpan.MaxValue", long.MaxValue)]
    [InlineData("Timeout.InfiniteTimeSpan", long.MaxValue)]
    [InlineData("TimeSpan.FromDays(2)", 2 * TimeSpan.TicksPerDay)]
    [InlineData("TimeSpan.FromHours(1.5)", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("TimeSpan.FromMinutes(20)", 20 * TimeSpan.TicksPerMinute)]
    [InlineData("TimeSpan.FromDays(1, 12)", 36 * TimeSpan.TicksPerHour)]
    [InlineData("new TimeSpan(8, 0, 0)", 8 * TimeSpan.TicksPerHour)]
    [InlineData("new TimeSpan(1, 2, 0, 0)", 26 * TimeSpan.TicksPerHour)]
    [InlineData("TimeSpan.Parse(\"01:00:00\")", TimeSpan.TicksPerHour)]
    public void EvaluateTimeSpan_Constants(string expression, long ticks)
    {
        var (cookies, value) = Evaluate(expression, ReferenceSet.NetAndAspNetCore);
        Assert.NotNull(cookies);
        Assert.Equal(new TimeSpan(ticks), value);
    }

    [Fact]
    public void EvaluateTimeSpan_RunTimeValue_IsUnknown()
    {
        var (_, value) = Evaluate("TimeSpan.FromMinutes(DateTime.Now.Minute)", ReferenceSet.NetAndAspNetCore);
        Assert.Null(value);
    }

    [Fact]
    public void Create_WithoutAspNetCore_IsNull()
    {
        var (cookies, _) = Evaluate("TimeSpan.MaxValue", ReferenceSet.NetOnly);
        Assert.Null(cookies);
    }

    private static (CookieConfiguration? Cookies, TimeSpan? Value) Evaluate(string expression, ReferenceSet references)
    {
        var source = "using System; using System.Threading; public static class C { public static TimeSpan M() => " + expression + "; }";
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create("test", [tree], references.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var cookies = CookieConfiguration.Create(compilation);
        var body = tree.GetRoot().DescendantNodes().OfType<ArrowExpressionClauseSyntax>().Single().Expression;
        var operation = compilation.GetSemanticModel(tree).GetOperation(body);
        return (cookies, cookies is null || operation is null ? null : cookies.EvaluateTimeSpan(operation));
    }
}
