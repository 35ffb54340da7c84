namespace AsyncPatterns.Analyzers.Tests;

public class Smoke
{
    [Fact]
    public void ReferencesAreWritten()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "user-code-references.txt");
        Assert.Contains(File.ReadAllLines(file), l => l.EndsWith("Microsoft.EntityFrameworkCore.dll"));
    }
}
