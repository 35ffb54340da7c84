using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>Turns markup and expected results into resolved expectations, compares them with the
/// actual diagnostics and, on a mismatch, writes the report.</summary>
internal static class DiagnosticComparison
{
    private static readonly PropertyInfo? ArgumentsProperty =
        typeof(Diagnostic).GetProperty("Arguments", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

    /// <summary>The expected diagnostics of a state: its explicit results with markup keys and
    /// default paths resolved, plus one result per <c>[|...|]</c>/<c>{|ID:...|}</c> span.</summary>
    public static List<DiagnosticResult> ResolveExpected(
        IReadOnlyList<ParsedSource> sources,
        IEnumerable<DiagnosticResult> explicitResults,
        ImmutableArray<DiagnosticDescriptor> supported)
    {
        var defaultPath = sources.Count > 0 ? sources[0].Path : "/0/Test0.cs";
        var keys = new Dictionary<int, (ParsedSource Source, TextSpan Span)>();
        foreach (var source in sources)
        {
            foreach (var span in source.Spans.Where(s => s.IsLocationKey))
            {
                if (!keys.TryAdd(span.Key, (source, span.Span)))
                {
                    throw new InvalidOperationException($"Markup key {span.Name} is used twice.");
                }
            }
        }

        var result = new List<DiagnosticResult>();
        foreach (var expected in explicitResults)
        {
            var locations = expected.Locations.Select(location =>
            {
                if (location.MarkupKey is { } key)
                {
                    if (!keys.TryGetValue(key, out var marked))
                    {
                        throw new InvalidOperationException($"WithLocation({key}) refers to markup {{|#{key}:...|}}, which no source contains.");
                    }

                    var lines = marked.Source.SourceText.Lines.GetLinePositionSpan(marked.Span);
                    return new DiagnosticLocation(marked.Source.Path, lines.Start, lines.End, null);
                }

                return location.Path.Length == 0 ? new DiagnosticLocation(defaultPath, location.Start, location.End, null) : location;
            }).ToImmutableArray();
            result.Add(expected.WithResolvedLocations(locations));
        }

        string? defaultId = null;
        foreach (var source in sources)
        {
            foreach (var span in source.Spans.Where(s => !s.IsLocationKey))
            {
                var id = span.Name ?? (defaultId ??= DefaultId(result, supported));
                var lines = source.SourceText.Lines.GetLinePositionSpan(span.Span);
                result.Add(DiagnosticResult.FromMarkup(id, source.Path, lines.Start, lines.End));
            }
        }

        return result;
    }

    /// <summary>Why <paramref name="actual"/> does not satisfy <paramref name="expected"/>, or null when it does.</summary>
    public static string? Mismatch(DiagnosticResult expected, Diagnostic actual)
    {
        if (expected.Id != actual.Id)
        {
            return $"ID {actual.Id} instead of {expected.Id}";
        }

        if (expected.Locations.IsEmpty)
        {
            if (actual.Location.IsInSource)
            {
                return "a source location where none was expected";
            }
        }
        else
        {
            if (!actual.Location.IsInSource)
            {
                return "no source location";
            }

            var reason = LocationMismatch(expected.Locations[0], actual.Location, "location");
            if (reason is not null)
            {
                return reason;
            }

            if (actual.AdditionalLocations.Count != expected.Locations.Length - 1)
            {
                return $"{actual.AdditionalLocations.Count} additional locations instead of {expected.Locations.Length - 1}";
            }

            for (var i = 1; i < expected.Locations.Length; i++)
            {
                reason = LocationMismatch(expected.Locations[i], actual.AdditionalLocations[i - 1], $"additional location {i}");
                if (reason is not null)
                {
                    return reason;
                }
            }
        }

        if (!expected.IsFromMarkup && expected.Severity is { } severity && severity != actual.Severity)
        {
            return $"severity {actual.Severity} instead of {severity}";
        }

        if (!expected.IsFromMarkup && expected.ExpectedMessageFor(actual) is { } message)
        {
            var actualMessage = actual.GetMessage(CultureInfo.CurrentCulture);
            if (message != actualMessage)
            {
                return $"message \"{actualMessage}\" instead of \"{message}\"";
            }
        }

        return null;
    }

    /// <summary>Compares, and throws a <see cref="VerificationException"/> with the full report when
    /// the diagnostics do not match one to one (order does not matter).</summary>
    public static void Verify(
        string title,
        IReadOnlyList<ParsedSource> sources,
        IReadOnlyList<DiagnosticResult> expected,
        IReadOnlyList<Diagnostic> actual,
        ImmutableArray<DiagnosticDescriptor> supported)
    {
        var sortedActual = actual.OrderBy(d => d, DiagnosticOrder.Instance).ToList();
        var sortedExpected = expected.OrderBy(e => e.Locations.IsEmpty ? string.Empty : e.Locations[0].Path, StringComparer.Ordinal)
            .ThenBy(e => e.Locations.IsEmpty ? default : e.Locations[0].Start)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();

        var matchedActual = new bool[sortedActual.Count];
        var unmatchedExpected = new List<DiagnosticResult>();
        foreach (var e in sortedExpected)
        {
            var index = Enumerable.Range(0, sortedActual.Count).FirstOrDefault(i => !matchedActual[i] && Mismatch(e, sortedActual[i]) is null, -1);
            if (index >= 0)
            {
                matchedActual[index] = true;
            }
            else
            {
                unmatchedExpected.Add(e);
            }
        }

        if (unmatchedExpected.Count == 0 && matchedActual.All(m => m))
        {
            return;
        }

        // Pair what is left where the ID and the line agree, so that a wrong column or message reads
        // as one mismatch rather than as a missing and an unexpected diagnostic.
        var problems = new List<string>();
        var annotations = new List<Annotation>();
        var nearActual = new HashSet<int>();
        foreach (var e in unmatchedExpected)
        {
            var near = Enumerable.Range(0, sortedActual.Count).FirstOrDefault(
                i => !matchedActual[i] && !nearActual.Contains(i) && sortedActual[i].Id == e.Id && SameLine(e, sortedActual[i]),
                -1);
            if (near >= 0)
            {
                nearActual.Add(near);
                problems.Add($"  Mismatch:   expected {e}\n              actual   {Describe(sortedActual[near])}\n              ({Mismatch(e, sortedActual[near])})");
                annotations.Add(Annotation.ForExpected(e, "expected here; the actual diagnostic differs"));
            }
            else
            {
                problems.Add($"  Missing:    {e}");
                annotations.Add(Annotation.ForExpected(e, "expected here but not reported"));
            }
        }

        for (var i = 0; i < sortedActual.Count; i++)
        {
            if (!matchedActual[i] && !nearActual.Contains(i))
            {
                problems.Add($"  Unexpected: {Describe(sortedActual[i])}");
            }

            var note = matchedActual[i] ? null : nearActual.Contains(i) ? "MISMATCH" : "UNEXPECTED";
            annotations.Add(Annotation.ForActual(sortedActual[i], note));
        }

        var report = new StringBuilder();
        report.Append(title).Append(": diagnostics do not match (")
            .Append(expected.Count).Append(" expected, ").Append(actual.Count).AppendLine(" actual).");
        foreach (var problem in problems)
        {
            report.AppendLine(problem);
        }

        report.AppendLine();
        report.AppendLine("Expected:");
        AppendList(report, sortedExpected.Select(e => e.ToString()));
        report.AppendLine("Actual:");
        AppendList(report, sortedActual.Select(Describe));
        report.AppendLine();
        report.Append(Annotate(sources, annotations));
        report.AppendLine();
        report.AppendLine("Actual diagnostics as DiagnosticResults:");
        report.Append(Suggest(sortedActual, sources, supported));
        var markup = SuggestMarkup(sortedActual, sources, supported);
        if (markup.Length > 0)
        {
            report.AppendLine();
            report.AppendLine("Actual diagnostics as markup:");
            report.Append(markup);
        }

        throw new VerificationException(report.ToString());
    }

    public static string Describe(Diagnostic diagnostic)
    {
        var location = diagnostic.Location.IsInSource ? LocationText(diagnostic.Location) : "(no location)";
        var additional = diagnostic.AdditionalLocations.Count == 0
            ? string.Empty
            : ", additional " + string.Join(", ", diagnostic.AdditionalLocations.Select(LocationText));
        return $"{diagnostic.Id} at {location}{additional}, severity {diagnostic.Severity}, message \"{diagnostic.GetMessage(CultureInfo.CurrentCulture)}\"";
    }

    /// <summary>Every source, each line numbered, with the diagnostics drawn under the lines they start on.</summary>
    public static string Annotate(IReadOnlyList<ParsedSource> sources, IReadOnlyList<Annotation> annotations)
    {
        var output = new StringBuilder();
        var noLocation = annotations.Where(a => a.Path is null).ToList();
        if (noLocation.Count > 0)
        {
            output.AppendLine("Without a location:");
            foreach (var annotation in noLocation)
            {
                output.Append("      ").AppendLine(annotation.Text);
            }
        }

        foreach (var source in sources)
        {
            output.Append("Source ").Append(source.Path).AppendLine(":");
            var lines = source.SourceText.Lines;
            foreach (var line in lines)
            {
                var lineText = line.ToString();
                output.Append((line.LineNumber + 1).ToString(CultureInfo.InvariantCulture).PadLeft(5)).Append(" | ").AppendLine(lineText);
                foreach (var annotation in annotations.Where(a => a.Path == source.Path && a.Start.Line == line.LineNumber))
                {
                    var column = Math.Min(annotation.Start.Character, lineText.Length);
                    var indent = new string(lineText.Take(column).Select(c => c == '\t' ? '\t' : ' ').ToArray());
                    int width;
                    var suffix = string.Empty;
                    if (annotation.End is not { } end)
                    {
                        width = 1;
                    }
                    else if (end.Line == line.LineNumber)
                    {
                        width = Math.Max(1, end.Character - column);
                    }
                    else
                    {
                        width = Math.Max(1, lineText.Length - column);
                        suffix = $" (to line {end.Line + 1}, column {end.Character + 1})";
                    }

                    output.Append("      | ").Append(indent).Append(annotation.Marker, width).Append(' ').Append(annotation.Text).AppendLine(suffix);
                }
            }
        }

        return output.ToString();
    }

    /// <summary>Ready-to-paste C# for the actual diagnostics, in the shape the official verifiers print.</summary>
    public static string Suggest(IReadOnlyList<Diagnostic> actual, IReadOnlyList<ParsedSource> sources, ImmutableArray<DiagnosticDescriptor> supported)
    {
        var defaultPath = sources.Count > 0 ? sources[0].Path : string.Empty;
        var output = new StringBuilder();
        if (actual.Count == 0)
        {
            output.AppendLine("    (none)");
        }

        foreach (var diagnostic in actual)
        {
            var severity = diagnostic.Severity.ToString().ToLowerInvariant();
            var where = diagnostic.Location.IsInSource ? LocationText(diagnostic.Location) : "(no location)";
            output.Append("// ").Append(where).Append(": ").Append(severity).Append(' ').Append(diagnostic.Id).Append(": ")
                .AppendLine(diagnostic.GetMessage(CultureInfo.CurrentCulture));

            var ours = supported.FirstOrDefault(d => d.Id == diagnostic.Id);
            if (ours is not null)
            {
                output.Append(supported.Length == 1 ? "VerifyCS.Diagnostic()" : $"VerifyCS.Diagnostic(\"{diagnostic.Id}\")");
            }
            else
            {
                output.Append(diagnostic.Severity == DiagnosticSeverity.Error ? "DiagnosticResult.CompilerError(\"" : "DiagnosticResult.CompilerWarning(\"")
                    .Append(diagnostic.Id).Append("\")");
            }

            if (!diagnostic.Location.IsInSource)
            {
                output.Append(".WithNoLocation()");
            }
            else
            {
                foreach (var location in new[] { diagnostic.Location }.Concat(diagnostic.AdditionalLocations))
                {
                    var span = location.GetLineSpan();
                    output.Append(".WithSpan(");
                    if (span.Path != defaultPath)
                    {
                        output.Append(SymbolDisplay.FormatLiteral(span.Path, quote: true)).Append(", ");
                    }

                    output.Append(CultureInfo.InvariantCulture, $"{span.StartLinePosition.Line + 1}, {span.StartLinePosition.Character + 1}, {span.EndLinePosition.Line + 1}, {span.EndLinePosition.Character + 1})");
                }
            }

            var defaultSeverity = ours?.DefaultSeverity ?? (diagnostic.Severity == DiagnosticSeverity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning);
            if (diagnostic.Severity != defaultSeverity)
            {
                output.Append(".WithSeverity(DiagnosticSeverity.").Append(diagnostic.Severity).Append(')');
            }

            output.Append(ArgumentsOrMessage(diagnostic)).AppendLine(",");
        }

        return output.ToString();
    }

    /// <summary>The sources with the actual diagnostics written as markup, when their spans nest.</summary>
    public static string SuggestMarkup(IReadOnlyList<Diagnostic> actual, IReadOnlyList<ParsedSource> sources, ImmutableArray<DiagnosticDescriptor> supported)
    {
        var output = new StringBuilder();
        foreach (var source in sources)
        {
            var inFile = actual.Where(d => d.Location.IsInSource && d.Location.GetLineSpan().Path == source.Path)
                .Select(d => (d.Id, Span: d.Location.SourceSpan))
                .OrderBy(d => d.Span.Start).ThenByDescending(d => d.Span.End).ToList();
            if (inFile.Count == 0 || inFile.Any(d => d.Span.End > source.Text.Length))
            {
                continue;
            }

            for (var i = 0; i < inFile.Count; i++)
            {
                for (var j = i + 1; j < inFile.Count; j++)
                {
                    if (inFile[j].Span.Start < inFile[i].Span.End && inFile[j].Span.End > inFile[i].Span.End)
                    {
                        return string.Empty; // overlapping spans that do not nest cannot be written as markup
                    }
                }
            }

            var inserts = new List<(int Position, int Order, string Text)>();
            foreach (var (id, span) in inFile)
            {
                var plain = supported.Length == 1 && supported[0].Id == id;
                inserts.Add((span.Start, -span.End, plain ? "[|" : "{|" + id + ":"));
                inserts.Add((span.End, int.MaxValue - span.Start, plain ? "|]" : "|}"));
            }

            var text = new StringBuilder(source.Text);
            foreach (var insert in inserts.OrderByDescending(x => x.Position).ThenByDescending(x => x.Order))
            {
                text.Insert(insert.Position, insert.Text);
            }

            output.Append("// ").AppendLine(source.Path).AppendLine(text.ToString());
        }

        return output.ToString();
    }

    private static string ArgumentsOrMessage(Diagnostic diagnostic)
    {
        var message = diagnostic.GetMessage(CultureInfo.CurrentCulture);
        if (ArgumentsProperty?.GetValue(diagnostic) is IEnumerable arguments)
        {
            var list = arguments.Cast<object?>().ToArray();
            if (list.All(a => a is null or string or int or long or bool or char))
            {
                var formatted = TryFormat(diagnostic.Descriptor.MessageFormat, list);
                if (formatted == message)
                {
                    return list.Length == 0
                        ? string.Empty
                        : ".WithArguments(" + string.Join(", ", list.Select(Literal)) + ")";
                }
            }
        }

        return ".WithMessage(" + SymbolDisplay.FormatLiteral(message, quote: true) + ")";
    }

    private static string? TryFormat(LocalizableString format, object?[] arguments)
    {
        try
        {
            return string.Format(CultureInfo.CurrentCulture, format.ToString(CultureInfo.CurrentCulture), arguments);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => SymbolDisplay.FormatLiteral(value.ToString() ?? string.Empty, quote: true),
    };

    private static string LocationText(Location location)
    {
        var span = location.GetLineSpan();
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})-({span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})";
    }

    private static bool SameLine(DiagnosticResult expected, Diagnostic actual)
    {
        if (expected.Locations.IsEmpty || !actual.Location.IsInSource)
        {
            return expected.Locations.IsEmpty && !actual.Location.IsInSource;
        }

        var span = actual.Location.GetLineSpan();
        return span.Path == expected.Locations[0].Path && span.StartLinePosition.Line == expected.Locations[0].Start.Line;
    }

    private static string? LocationMismatch(DiagnosticLocation expected, Location actual, string what)
    {
        var span = actual.GetLineSpan();
        if (span.Path != expected.Path)
        {
            return $"{what} in {span.Path} instead of {expected.Path}";
        }

        var actualText = $"({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})-({span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})";
        if (span.StartLinePosition != expected.Start)
        {
            return $"{what} {actualText} instead of {expected}";
        }

        if (expected.End is { } end && span.EndLinePosition != end)
        {
            return $"{what} {actualText} instead of {expected}";
        }

        return null;
    }

    private static string DefaultId(List<DiagnosticResult> explicitResults, ImmutableArray<DiagnosticDescriptor> supported)
    {
        var ids = supported.Select(d => d.Id).Distinct().ToList();
        if (ids.Count == 1)
        {
            return ids[0];
        }

        var expectedIds = explicitResults.Select(r => r.Id).Where(ids.Contains).Distinct().ToList();
        if (expectedIds.Count == 1)
        {
            return expectedIds[0];
        }

        throw new InvalidOperationException(
            $"'[|...|]' needs one diagnostic ID, but the analyzer supports {string.Join(", ", ids)}; write '{{|ID:...|}}' instead.");
    }

    private static void AppendList(StringBuilder report, IEnumerable<string> items)
    {
        var any = false;
        foreach (var item in items)
        {
            report.Append("    ").AppendLine(item);
            any = true;
        }

        if (!any)
        {
            report.AppendLine("    (none)");
        }
    }
}

/// <summary>A line drawn under the source: <c>^</c> for an actual diagnostic, <c>~</c> for an expected one.</summary>
internal sealed record Annotation(string? Path, LinePosition Start, LinePosition? End, char Marker, string Text)
{
    public static Annotation ForActual(Diagnostic diagnostic, string? note)
    {
        var text = $"{diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.CurrentCulture)}" + (note is null ? string.Empty : "    <-- " + note);
        if (!diagnostic.Location.IsInSource)
        {
            return new Annotation(null, default, null, '^', text);
        }

        var span = diagnostic.Location.GetLineSpan();
        return new Annotation(span.Path, span.StartLinePosition, span.EndLinePosition, '^', text);
    }

    public static Annotation ForExpected(DiagnosticResult expected, string note)
    {
        var text = $"{expected.Id} {note}" + (expected.Message is { } message ? $": \"{message}\"" : string.Empty) + "    <-- EXPECTED";
        if (expected.Locations.IsEmpty)
        {
            return new Annotation(null, default, null, '~', text);
        }

        var location = expected.Locations[0];
        return new Annotation(location.Path, location.Start, location.End, '~', text);
    }
}

/// <summary>Diagnostics by file, position and ID; those without a location first.</summary>
internal sealed class DiagnosticOrder : IComparer<Diagnostic>
{
    public static readonly DiagnosticOrder Instance = new();

    public int Compare(Diagnostic? x, Diagnostic? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var xPath = x.Location.IsInSource ? x.Location.GetLineSpan().Path : string.Empty;
        var yPath = y.Location.IsInSource ? y.Location.GetLineSpan().Path : string.Empty;
        var result = string.CompareOrdinal(xPath, yPath);
        if (result == 0)
        {
            result = x.Location.SourceSpan.Start.CompareTo(y.Location.SourceSpan.Start);
        }

        if (result == 0)
        {
            result = x.Location.SourceSpan.End.CompareTo(y.Location.SourceSpan.End);
        }

        return result != 0 ? result : string.CompareOrdinal(x.Id, y.Id);
    }
}
