namespace AsyncPatterns.Analyzers.Tests.EndToEnd;

/// <summary>
/// The package on a real app: samples/ShopApp commits every rule's mistake; a copy of it is built,
/// fixed by <c>dotnet format analyzers</c> alone, built again and run (its own integration tests,
/// HTTP against the app on loopback) before and after. See <see cref="SampleEndToEndFixture"/>; the
/// fixture prints an "[e2e]" report.
/// </summary>
public sealed class SampleEndToEndTests(SampleEndToEndFixture e2e) : IClassFixture<SampleEndToEndFixture>
{
    [Fact]
    public void OriginalSample_RaisesEveryRuleOfTheCatalog()
    {
        Assert.True(e2e.Before is not null, e2e.Explain(e2e.BuildBefore));
        var raised = e2e.Before.Where(d => d.IsOurs).Select(d => d.Id).ToHashSet();
        var missing = e2e.CatalogIds.Where(id => !raised.Contains(id)).ToList();
        var unknown = raised.Where(id => !e2e.CatalogIds.Contains(id)).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            missing.Count == 0 && unknown.Count == 0,
            (missing.Count == 0 ? "" : $"Rules of the catalog that samples/ShopApp does not show yet (add each one's mistake to the sample, see samples/README.md): {string.Join(", ", missing)}. ")
            + (unknown.Count == 0 ? "" : $"Ids raised on the sample that the catalog does not know: {string.Join(", ", unknown)}."));
    }

    [Fact]
    public void OriginalSample_BuildsWithoutCompilerErrors()
    {
        Assert.True(e2e.Before is not null, e2e.Explain(e2e.BuildBefore));
        var errors = e2e.Before.Where(d => !d.IsOurs && d.Level == "error").ToList();
        Assert.True(errors.Count == 0, "Compiler errors in the original sample:\n" + string.Join('\n', errors));
        Assert.True(e2e.BuildBefore!.Succeeded, e2e.Explain(e2e.BuildBefore));
    }

    [Fact]
    public void Format_AppliesTheFixes()
    {
        Assert.True(e2e.Format is { Succeeded: true }, e2e.Explain(e2e.Format));
        Assert.True(e2e.Before is not null, e2e.Explain(e2e.BuildBefore));

        // Every file with a fixable diagnostic was rewritten.
        var expected = e2e.Before.Where(d => d.IsOurs && !e2e.IdsWithoutFix.Contains(d.Id)).Select(d => d.File).ToHashSet();
        var changed = e2e.ChangedFiles.Select(c => c.File).ToHashSet();
        var untouched = expected.Where(file => !changed.Contains(file)).Order(StringComparer.Ordinal).ToList();
        Assert.True(untouched.Count == 0, "Files with fixable diagnostics that dotnet format left as they were: " + string.Join(", ", untouched));
    }

    [Fact]
    public void FixedSample_BuildsWithoutCompilerErrors()
    {
        Assert.True(e2e.After is not null, e2e.Explain(e2e.BuildAfter));
        var errors = e2e.After.Where(d => !d.IsOurs && d.Level == "error").ToList();
        Assert.True(errors.Count == 0, "Compiler errors after the fixes:\n" + string.Join('\n', errors));
        Assert.True(e2e.BuildAfter!.Succeeded, e2e.Explain(e2e.BuildAfter));
    }

    [Fact]
    public void FixedSample_KeepsOnlyDiagnosticsOfRulesWithoutAFix()
    {
        Assert.True(e2e.After is not null, e2e.Explain(e2e.BuildAfter));
        // A rule whose fix needs something in scope (AP2002: a factory or separate contexts) may be
        // raised afresh by another fix's output in a file where it had nothing before; every
        // diagnostic of the original sample must still be gone.
        var cascade = e2e.RaisedByOtherFixes;
        var left = e2e.After.Where(d => d.IsOurs && !e2e.IdsWithoutFix.Contains(d.Id) && !cascade.Contains(d)).ToList();
        Assert.True(left.Count == 0, "Diagnostics left after dotnet format, although their docs page promises a fix:\n" + string.Join('\n', left));
    }

    [Fact]
    public void OriginalSample_PassesItsIntegrationTests()
    {
        Assert.True(e2e.TestsOriginal is { Succeeded: true } && e2e.CountsOriginal is { Failed: 0, Passed: > 0 },
            $"Integration tests on the original sample: {e2e.CountsOriginal?.ToString() ?? "no results"}.\n{e2e.Explain(e2e.TestsOriginal)}");
    }

    [Fact]
    public void FixedSample_PassesItsIntegrationTests()
    {
        Assert.True(e2e.TestsFixed is { Succeeded: true } && e2e.CountsFixed is { Failed: 0, Passed: > 0 },
            $"Integration tests on the fixed sample: {e2e.CountsFixed?.ToString() ?? "no results"}.\n{e2e.Explain(e2e.TestsFixed)}");
        Assert.Equal(e2e.CountsOriginal?.Total, e2e.CountsFixed!.Total);
    }
}
