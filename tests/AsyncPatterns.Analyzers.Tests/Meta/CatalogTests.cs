using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Tests.Meta;

/// <summary>Keeps the catalog honest: every descriptor has a docs page whose header matches it, a help
/// link to that page, a release-tracking line and a README row; nothing is listed anywhere that has
/// no descriptor; every analyzer and code fix is exported the way the hosts discover it.</summary>
public sealed partial class CatalogTests
{
    private static readonly Assembly AnalyzerAssembly = typeof(Descriptors).Assembly;
    private static readonly Assembly CodeFixAssembly = Assembly.Load("AsyncPatterns.CodeFixes");

    /// <summary>The descriptors of Descriptors' public static fields and of every analyzer's
    /// SupportedDiagnostics, one per ID.</summary>
    private static readonly Lazy<ImmutableArray<DiagnosticDescriptor>> AllDescriptors = new(() =>
        CatalogDescriptors()
            .Concat(Analyzers().SelectMany(a => a.Instance.SupportedDiagnostics))
            .GroupBy(d => d.Id)
            .Select(g => g.First())
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray());

    private static ImmutableArray<DiagnosticDescriptor> Descriptors_ => AllDescriptors.Value;

    private static ImmutableHashSet<string> Ids => Descriptors_.Select(d => d.Id).ToImmutableHashSet();

    [Fact]
    public void Catalog_IsNotEmpty()
    {
        Assert.True(CatalogDescriptors().Any(), "Descriptors exposes no public static DiagnosticDescriptor field.");
    }

    [Fact]
    public void EveryDescriptor_HasDocsPageWithMatchingHeader()
    {
        var offenders = new List<string>();
        foreach (var descriptor in Descriptors_)
        {
            var page = RepositoryRoot.Combine("docs", "rules", descriptor.Id + ".md");
            var expected = $"# {descriptor.Id}: {descriptor.Title}";
            if (!File.Exists(page))
            {
                offenders.Add($"{descriptor.Id}: docs/rules/{descriptor.Id}.md is missing (first line must be '{expected}')");
                continue;
            }

            var first = File.ReadLines(page).FirstOrDefault() ?? string.Empty;
            if (first.TrimStart('\uFEFF') != expected)
            {
                offenders.Add($"{descriptor.Id}: docs/rules/{descriptor.Id}.md starts with '{first}', expected '{expected}'");
            }
        }

        AssertNone(offenders, "Every descriptor needs a docs page whose first line is '# <ID>: <Title>'");
    }

    [Fact]
    public void EveryDocsPage_NamesADescriptor()
    {
        var folder = RepositoryRoot.Combine("docs", "rules");
        var offenders = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.md")
                .Select(Path.GetFileNameWithoutExtension)
                .Where(name => !Ids.Contains(name!))
                .Select(name => $"docs/rules/{name}.md")
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList()
            : [];
        AssertNone(offenders, "Docs pages that name no descriptor (rename or delete them, or add the descriptor)");
    }

    [Fact]
    public void EveryDescriptor_HelpLinkPointsAtItsDocsPage()
    {
        var offenders = Descriptors_
            .Where(d => d.HelpLinkUri != Descriptors.HelpLinkBase + d.Id + ".md")
            .Select(d => $"{d.Id}: help link is '{d.HelpLinkUri}', expected '{Descriptors.HelpLinkBase}{d.Id}.md'")
            .ToList();
        AssertNone(offenders, "Every descriptor's help link must be Descriptors.HelpLinkBase + ID + \".md\"");
    }

    [Fact]
    public void EveryDescriptor_HasReleaseTrackingLine()
    {
        var lines = ReleaseLines();
        var offenders = new List<string>();
        foreach (var descriptor in Descriptors_)
        {
            var expected = $"{descriptor.Id} | {descriptor.Category} | {ReleaseSeverity(descriptor)} |";
            var mine = lines.Where(l => l.Id == descriptor.Id && !l.Removed).ToList();
            if (mine.Count == 0)
            {
                offenders.Add($"{descriptor.Id}: no line in AnalyzerReleases.Unshipped.md or Shipped.md (expected '{expected}')");
            }
            else if (!mine.Any(l => l.Category == descriptor.Category && l.Severity == ReleaseSeverity(descriptor)))
            {
                offenders.Add($"{descriptor.Id}: release lines {string.Join("; ", mine.Select(l => $"'{l.Text}' ({l.File})"))} do not match '{expected}'");
            }
        }

        AssertNone(offenders, "Every descriptor needs a release-tracking line '<ID> | <Category> | <Severity> |' matching its category and default severity");
    }

    [Fact]
    public void EveryReleaseLine_NamesADescriptor()
    {
        var offenders = ReleaseLines()
            .Where(l => !l.Removed && !Ids.Contains(l.Id))
            .Select(l => $"{l.File}: '{l.Text}'")
            .ToList();
        AssertNone(offenders, "Release-tracking lines that name no descriptor");
    }

    [Fact]
    public void EveryDescriptor_HasReadmeRowWithItsTitle()
    {
        var rows = ReadmeRows();
        var offenders = new List<string>();
        foreach (var descriptor in Descriptors_)
        {
            var mine = rows.Where(r => r.Id == descriptor.Id).ToList();
            var severity = descriptor.DefaultSeverity.ToString();
            if (mine.Count == 0)
            {
                offenders.Add($"{descriptor.Id}: no row '| [{descriptor.Id}](docs/rules/{descriptor.Id}.md) | {descriptor.Title} | {descriptor.Category} | {severity} | <fix> |'");
            }
            else if (mine.Count > 1)
            {
                offenders.Add($"{descriptor.Id}: {mine.Count} rows");
            }
            else
            {
                var row = mine[0];
                if (row.LinkTarget is not null && row.LinkTarget != $"docs/rules/{descriptor.Id}.md")
                {
                    offenders.Add($"{descriptor.Id}: links to '{row.LinkTarget}', expected 'docs/rules/{descriptor.Id}.md'");
                }

                if (row.Cell(1) != descriptor.Title.ToString())
                {
                    offenders.Add($"{descriptor.Id}: title cell is '{row.Cell(1)}', expected '{descriptor.Title}'");
                }

                if (row.Cell(2) is { } category && category != descriptor.Category)
                {
                    offenders.Add($"{descriptor.Id}: category cell is '{category}', expected '{descriptor.Category}'");
                }

                if (row.Cell(3) is { } listed && !string.Equals(listed, severity, StringComparison.OrdinalIgnoreCase))
                {
                    offenders.Add($"{descriptor.Id}: severity cell is '{listed}', expected '{severity}'");
                }
            }
        }

        AssertNone(offenders, "Every descriptor needs exactly one README rule-table row '| [<ID>](docs/rules/<ID>.md) | <Title> | <Category> | <Default severity> | <Fix> |'");
    }

    [Fact]
    public void EveryReadmeRow_NamesADescriptor()
    {
        var offenders = ReadmeRows()
            .Where(r => !Ids.Contains(r.Id))
            .Select(r => $"README.md line {r.LineNumber}: '{r.Text}'")
            .ToList();
        AssertNone(offenders, "README rule-table rows that name no descriptor (list planned rules in plain text, not as table rows)");
    }

    [Fact]
    public void EveryDescriptor_IsSupportedByExactlyOneAnalyzer()
    {
        var analyzers = Analyzers();
        var offenders = new List<string>();
        foreach (var descriptor in Descriptors_)
        {
            var supporting = analyzers
                .Where(a => a.Instance.SupportedDiagnostics.Any(d => d.Id == descriptor.Id))
                .Select(a => a.Type.Name)
                .ToList();
            if (supporting.Count != 1)
            {
                offenders.Add($"{descriptor.Id}: supported by {supporting.Count} analyzers{(supporting.Count == 0 ? string.Empty : ": " + string.Join(", ", supporting))}");
            }
        }

        AssertNone(offenders, "Every descriptor must be supported by exactly one DiagnosticAnalyzer in AsyncPatterns.Analyzers");
    }

    [Fact]
    public void EveryAnalyzerDescriptor_ComesFromTheCatalog()
    {
        var catalog = CatalogDescriptors().ToImmutableArray();
        var offenders = Analyzers()
            .SelectMany(a => a.Instance.SupportedDiagnostics.Select(d => (a.Type, Descriptor: d)))
            .Where(x => !catalog.Contains(x.Descriptor))
            .Select(x => $"{x.Type.Name}: {x.Descriptor.Id} is not one of the Descriptors fields")
            .ToList();
        AssertNone(offenders, "Analyzers must report the descriptors declared in Descriptors (the catalog in one place)");
    }

    [Fact]
    public void EveryAnalyzer_IsExportedForCSharp()
    {
        var offenders = Analyzers()
            .Where(a => a.Type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not { } attribute
                        || !attribute.Languages.Contains(LanguageNames.CSharp))
            .Select(a => a.Type.FullName!)
            .ToList();
        AssertNone(offenders, "Analyzers without [DiagnosticAnalyzer(LanguageNames.CSharp)] (the compiler never loads them)");
    }

    [Fact]
    public void CodeFixAssembly_HasNoAnalyzers()
    {
        var offenders = ConcreteSubtypes(CodeFixAssembly, typeof(DiagnosticAnalyzer)).Select(t => t.FullName!).ToList();
        AssertNone(offenders, "Analyzers in AsyncPatterns.CodeFixes (it references Workspaces, which the command-line compiler does not load)");
    }

    [Fact]
    public void EveryCodeFix_IsExportedSharedForCSharpWithName()
    {
        var offenders = new List<string>();
        foreach (var type in ConcreteSubtypes(CodeFixAssembly, typeof(CodeFixProvider)))
        {
            var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
            if (export is null || !export.Languages.Contains(LanguageNames.CSharp))
            {
                offenders.Add($"{type.FullName}: no [ExportCodeFixProvider(LanguageNames.CSharp, ...)]");
            }
            else if (string.IsNullOrEmpty(export.Name))
            {
                offenders.Add($"{type.FullName}: [ExportCodeFixProvider] has no Name");
            }

            if (!type.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Composition.SharedAttribute"))
            {
                offenders.Add($"{type.FullName}: no [Shared]");
            }
        }

        AssertNone(offenders, "Code fix providers must be [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(...))] and [Shared]");
    }

    [Fact]
    public void EveryCodeFix_HasFixAllProvider()
    {
        var offenders = ConcreteSubtypes(CodeFixAssembly, typeof(CodeFixProvider))
            .Where(t => ((CodeFixProvider)Activator.CreateInstance(t)!).GetFixAllProvider() is null)
            .Select(t => t.FullName!)
            .ToList();
        AssertNone(offenders, "Code fix providers whose GetFixAllProvider() returns null (every fix must support Fix All)");
    }

    [Fact]
    public void EveryFixableId_HasADescriptor()
    {
        var offenders = ConcreteSubtypes(CodeFixAssembly, typeof(CodeFixProvider))
            .SelectMany(t => ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds
                .Where(id => !Ids.Contains(id))
                .Select(id => $"{t.Name}: {id}"))
            .ToList();
        AssertNone(offenders, "Code fixes that claim IDs with no descriptor");
    }

    private static IEnumerable<DiagnosticDescriptor> CatalogDescriptors() =>
        typeof(Descriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);

    private static IReadOnlyList<(Type Type, DiagnosticAnalyzer Instance)> Analyzers() =>
        ConcreteSubtypes(AnalyzerAssembly, typeof(DiagnosticAnalyzer))
            .Select(t => (t, (DiagnosticAnalyzer)Activator.CreateInstance(t)!))
            .ToList();

    private static IEnumerable<Type> ConcreteSubtypes(Assembly assembly, Type baseType) =>
        assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && baseType.IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>Release tracking spells a disabled-by-default rule "Disabled", otherwise the severity.</summary>
    private static string ReleaseSeverity(DiagnosticDescriptor descriptor) =>
        descriptor.IsEnabledByDefault ? descriptor.DefaultSeverity.ToString() : "Disabled";

    private sealed record ReleaseLine(string File, string Id, string Category, string Severity, bool Removed, string Text);

    /// <summary>The rule lines of both release files: '&lt;ID&gt; | &lt;Category&gt; | &lt;Severity&gt; | notes',
    /// remembering whether they sit under '### Removed Rules' (which may name retired IDs).</summary>
    private static IReadOnlyList<ReleaseLine> ReleaseLines()
    {
        var result = new List<ReleaseLine>();
        foreach (var file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            var path = RepositoryRoot.Combine("src", "AsyncPatterns.Analyzers", file);
            if (!File.Exists(path))
            {
                continue;
            }

            var removed = false;
            foreach (var raw in File.ReadLines(path))
            {
                var line = raw.Trim();
                if (line.StartsWith("###", StringComparison.Ordinal))
                {
                    removed = line.Contains("Removed", StringComparison.OrdinalIgnoreCase);
                    continue;
                }

                if (line.StartsWith("##", StringComparison.Ordinal))
                {
                    removed = false;
                    continue;
                }

                var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                if (cells.Length >= 3 && IdPattern().IsMatch(cells[0]))
                {
                    result.Add(new ReleaseLine(file, cells[0], cells[1], cells[2], removed, line));
                }
            }
        }

        return result;
    }

    private sealed record ReadmeRow(int LineNumber, string Id, string? LinkTarget, string[] Cells, string Text)
    {
        public string? Cell(int index) => index < Cells.Length ? Cells[index] : null;
    }

    /// <summary>Table rows of README.md whose first cell is an ID, plain ('| AP1001 |') or linked
    /// ('| [AP1001](docs/rules/AP1001.md) |').</summary>
    private static IReadOnlyList<ReadmeRow> ReadmeRows()
    {
        var rows = new List<ReadmeRow>();
        var lines = File.ReadAllLines(RepositoryRoot.Combine("README.md"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|'))
            {
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var first = FirstCellPattern().Match(cells[0]);
            if (first.Success)
            {
                var target = first.Groups["target"].Success ? first.Groups["target"].Value : null;
                rows.Add(new ReadmeRow(i + 1, first.Groups["id"].Value, target, cells, line));
            }
            else if (LooseIdPattern().IsMatch(cells[0]))
            {
                // An ID in an unexpected shape still counts: it must not escape the reverse check.
                rows.Add(new ReadmeRow(i + 1, LooseIdPattern().Match(cells[0]).Value, null, cells, line));
            }
        }

        return rows;
    }

    private static void AssertNone(IReadOnlyCollection<string> offenders, string rule)
    {
        Assert.True(offenders.Count == 0, $"{rule}. {offenders.Count} offender(s):\n  " + string.Join("\n  ", offenders));
    }

    [GeneratedRegex(@"^AP\d{4}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"AP\d{4}")]
    private static partial Regex LooseIdPattern();

    [GeneratedRegex(@"^(?:(?<id>AP\d{4})|\[(?<id>AP\d{4})\]\((?<target>[^)]*)\))$")]
    private static partial Regex FirstCellPattern();
}
