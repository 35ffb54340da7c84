using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>The metadata references user code in a test compiles against. They come from
/// <c>user-code-references.txt</c>, which the test project writes at build time: the reference
/// assemblies the test project itself compiles against (.NET 10, ASP.NET Core 10, EF Core).</summary>
public sealed class ReferenceSet
{
    private static readonly Lazy<ImmutableArray<(string Path, MetadataReference Reference)>> AllReferences = new(Load);

    private readonly Func<string, bool>? _filter;
    private readonly ImmutableArray<MetadataReference> _extra;
    private readonly Lazy<ImmutableArray<MetadataReference>> _references;

    private ReferenceSet(string name, Func<string, bool>? filter, ImmutableArray<MetadataReference> extra)
    {
        Name = name;
        _filter = filter;
        _extra = extra;
        _references = new Lazy<ImmutableArray<MetadataReference>>(() =>
            AllReferences.Value.Where(r => _filter is null || _filter(r.Path)).Select(r => r.Reference).Concat(_extra).ToImmutableArray());
    }

    /// <summary>.NET, ASP.NET Core and EF Core (with EF Core Relational).</summary>
    public static ReferenceSet Full { get; } = new(nameof(Full), null, ImmutableArray<MetadataReference>.Empty);

    /// <summary>The .NET reference pack only: no EF Core, no ASP.NET Core, no Microsoft.Extensions.</summary>
    public static ReferenceSet NetOnly { get; } = new(nameof(NetOnly), IsNet, ImmutableArray<MetadataReference>.Empty);

    /// <summary>.NET and ASP.NET Core, without EF Core.</summary>
    public static ReferenceSet NetAndAspNetCore { get; } = new(nameof(NetAndAspNetCore), p => IsNet(p) || IsAspNetCore(p), ImmutableArray<MetadataReference>.Empty);

    /// <summary>.NET and EF Core with the Microsoft.Extensions libraries EF Core depends on, as in
    /// a console app: no ASP.NET Core.</summary>
    public static ReferenceSet NetAndEfCore { get; } = new(
        nameof(NetAndEfCore),
        p => IsNet(p) || IsEfCore(p) || (IsAspNetCore(p) && Path.GetFileName(p).StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)),
        ImmutableArray<MetadataReference>.Empty);

    public string Name { get; }

    public ImmutableArray<MetadataReference> References => _references.Value;

    /// <summary>Paths of every reference user code can be compiled against.</summary>
    public static IReadOnlyList<string> AllPaths => AllReferences.Value.Select(r => r.Path).ToList();

    /// <summary>This set plus <paramref name="references"/>.</summary>
    public ReferenceSet AddReferences(params MetadataReference[] references)
        => new(Name + "+" + references.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), _filter, _extra.AddRange(references));

    public override string ToString() => Name;

    private static bool IsNet(string path) => path.Contains("Microsoft.NETCore.App.Ref", StringComparison.OrdinalIgnoreCase);

    private static bool IsAspNetCore(string path) => path.Contains("Microsoft.AspNetCore.App.Ref", StringComparison.OrdinalIgnoreCase);

    private static bool IsEfCore(string path) => Path.GetFileName(path).StartsWith("Microsoft.EntityFrameworkCore", StringComparison.OrdinalIgnoreCase);

    private static ImmutableArray<(string, MetadataReference)> Load()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "user-code-references.txt");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"'{file}' is missing; it is written by the test project's WriteUserCodeReferences target at build time.");
        }

        return File.ReadAllLines(file)
            .Where(line => line.Length > 0)
            .Select(path => (path, (MetadataReference)MetadataReference.CreateFromFile(path)))
            .ToImmutableArray();
    }
}
