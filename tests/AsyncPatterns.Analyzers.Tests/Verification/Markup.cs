using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>One span marked in a source: <c>[|...|]</c> (<see cref="Name"/> null),
/// <c>{|AP1001:...|}</c> (a diagnostic ID) or <c>{|#0:...|}</c> (a location key).</summary>
internal sealed record MarkupSpan(string? Name, TextSpan Span)
{
    public bool IsLocationKey => Name is not null && Name.StartsWith('#');

    public int Key => int.Parse(Name!.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);
}

/// <summary>A source with its markup removed.</summary>
internal sealed record ParsedSource(string Path, string Text, IReadOnlyList<MarkupSpan> Spans)
{
    private SourceText? _sourceText;

    public SourceText SourceText => _sourceText ??= Microsoft.CodeAnalysis.Text.SourceText.From(Text);
}

internal static class Markup
{
    public static ParsedSource Parse(string path, string markup)
    {
        var text = new StringBuilder(markup.Length);
        var spans = new List<MarkupSpan>();
        var open = new Stack<(string? Name, int Start, int MarkupIndex)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (At(markup, i, "[|"))
            {
                open.Push((null, text.Length, i));
                i += 2;
            }
            else if (At(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                var name = colon < 0 ? string.Empty : markup.Substring(i + 2, colon - i - 2);
                if (!IsValidName(name))
                {
                    throw Error(path, markup, i, "'{|' must be followed by a diagnostic ID or '#<number>' and ':'");
                }

                open.Push((name, text.Length, i));
                i = colon + 1;
            }
            else if (At(markup, i, "|]") || At(markup, i, "|}"))
            {
                var expectNamed = markup[i + 1] == '}';
                if (open.Count == 0)
                {
                    throw Error(path, markup, i, $"'{markup.Substring(i, 2)}' closes nothing");
                }

                var top = open.Pop();
                if ((top.Name is not null) != expectNamed)
                {
                    throw Error(path, markup, i, $"'{markup.Substring(i, 2)}' closes the markup opened at {Describe(markup, top.MarkupIndex)}");
                }

                spans.Add(new MarkupSpan(top.Name, TextSpan.FromBounds(top.Start, text.Length)));
                i += 2;
            }
            else
            {
                text.Append(markup[i]);
                i++;
            }
        }

        if (open.Count > 0)
        {
            throw Error(path, markup, open.Peek().MarkupIndex, "markup is never closed");
        }

        spans.Sort((a, b) => a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : b.Span.End.CompareTo(a.Span.End));
        return new ParsedSource(path, text.ToString(), spans);
    }

    private static bool At(string s, int index, string token) => string.CompareOrdinal(s, index, token, 0, token.Length) == 0;

    private static bool IsValidName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        if (name[0] == '#')
        {
            return name.Length > 1 && name.Skip(1).All(char.IsAsciiDigit);
        }

        return name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.');
    }

    private static string Describe(string markup, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (markup[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return $"line {line}, column {index - lineStart + 1} of the markup";
    }

    private static InvalidOperationException Error(string path, string markup, int index, string message)
        => new($"Invalid markup in {path} at {Describe(markup, index)}: {message}.");
}
