using System.Text;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>A line diff for failure messages: the longest common subsequence of lines, printed
/// with both line numbers; whitespace and line endings are made visible where they differ.</summary>
internal static class TextDiff
{
    public static string Describe(string expected, string actual)
    {
        var a = SplitLines(expected);
        var b = SplitLines(actual);
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var output = new StringBuilder();
        var onlyWhitespace = Normalize(expected) == Normalize(actual);
        var onlyLineEndings = expected.Replace("\r\n", "\n", StringComparison.Ordinal) == actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (onlyLineEndings)
        {
            output.AppendLine("The texts differ only in line endings (shown as \\r\\n and \\n).");
        }
        else if (onlyWhitespace)
        {
            output.AppendLine("The texts differ only in whitespace (spaces shown as ·, tabs as →).");
        }

        output.AppendLine("  (- expected, + actual; expected line number, actual line number)");
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                output.Append("      ").Append(Number(x)).Append(' ').Append(Number(y)).Append(" | ").AppendLine(Show(a[x], false));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                output.Append("    + ").Append(' ', 4).Append(' ').Append(Number(y)).Append(" | ").AppendLine(Show(b[y], onlyWhitespace || onlyLineEndings));
                y++;
            }
            else
            {
                output.Append("    - ").Append(Number(x)).Append(' ').Append(' ', 4).Append(" | ").AppendLine(Show(a[x], onlyWhitespace || onlyLineEndings));
                x++;
            }
        }

        return output.ToString();
    }

    private static string Number(int index) => (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(4);

    private static string Normalize(string s) => new(s.Where(c => !char.IsWhiteSpace(c)).ToArray());

    /// <summary>Lines with their line break, so that a changed line ending is a changed line.</summary>
    private static string[] SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines.ToArray();
    }

    private static string Show(string line, bool visibleWhitespace)
    {
        var body = line.TrimEnd('\r', '\n');
        var ending = line[body.Length..];
        if (!visibleWhitespace)
        {
            return body;
        }

        return body.Replace(' ', '·').Replace('\t', '→') + ending.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }
}
