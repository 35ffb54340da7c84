using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsyncPatterns.Analyzers.Tests.Robustness;

/// <summary>One mutated source: what was done (reproducible from the name) and the text.</summary>
internal sealed record Variant(string Name, string Text);

/// <summary>Deterministic mutations of a source, the shapes of code being typed or half-deleted:
/// truncated at a statement boundary or at a token, a token deleted or duplicated, braces
/// unbalanced, a statement or a member deleted, a <c>using</c> directive removed so that types
/// no longer resolve.</summary>
internal static class Variants
{
    /// <summary>A seed that depends on the text only (string.GetHashCode is randomized per process).</summary>
    public static int StableSeed(string text, int salt)
    {
        unchecked
        {
            var hash = (int)2166136261 ^ salt;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash & 0x7fffffff;
        }
    }

    public static IEnumerable<Variant> Of(string text, int perKind, int seed)
    {
        var random = new Random(StableSeed(text, seed));
        var root = CSharpSyntaxTree.ParseText(text).GetRoot();
        var tokens = root.DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        if (tokens.Count == 0)
        {
            yield break;
        }

        // Truncated after a statement or a member: the code as it is while being typed top down.
        var boundaries = root.DescendantNodes()
            .Where(n => n is StatementSyntax or MemberDeclarationSyntax or UsingDirectiveSyntax)
            .Select(n => n.Span.End)
            .Distinct()
            .Order()
            .ToList();
        foreach (var end in Sample(boundaries, perKind, random))
        {
            yield return new Variant($"truncated after the statement ending at {end}", text[..end]);
        }

        // Truncated inside a statement, at a token's start or end, or in the middle of an identifier.
        for (var i = 0; i < perKind; i++)
        {
            var token = tokens[random.Next(tokens.Count)];
            var at = random.Next(3) switch
            {
                0 => token.SpanStart,
                1 => token.Span.End,
                _ => token.SpanStart + random.Next(token.Span.Length + 1),
            };
            yield return new Variant($"truncated at {at}", text[..at]);
        }

        for (var i = 0; i < perKind; i++)
        {
            var token = tokens[random.Next(tokens.Count)];
            yield return new Variant($"token '{token.Text}' at {token.SpanStart} deleted", text.Remove(token.SpanStart, token.Span.Length));
        }

        for (var i = 0; i < perKind; i++)
        {
            var token = tokens[random.Next(tokens.Count)];
            yield return new Variant($"token '{token.Text}' at {token.SpanStart} duplicated", text.Insert(token.Span.End, " " + token.Text));
        }

        // Braces: one removed, or one too many inserted before a token.
        var braces = tokens.Where(t => t.IsKind(SyntaxKind.OpenBraceToken) || t.IsKind(SyntaxKind.CloseBraceToken)).ToList();
        for (var i = 0; i < perKind && braces.Count > 0; i++)
        {
            if (random.Next(2) == 0)
            {
                var brace = braces[random.Next(braces.Count)];
                yield return new Variant($"brace at {brace.SpanStart} removed", text.Remove(brace.SpanStart, 1));
            }
            else
            {
                var token = tokens[random.Next(tokens.Count)];
                var brace = random.Next(2) == 0 ? "{" : "}";
                yield return new Variant($"'{brace}' inserted at {token.SpanStart}", text.Insert(token.SpanStart, brace + " "));
            }
        }

        // Code deleted while editing: a whole statement, or a whole member (a constructor gone
        // turns "add a parameter" into "create a constructor" for a fix).
        var statements = root.DescendantNodes().OfType<StatementSyntax>().Where(n => n is not BlockSyntax).ToList();
        foreach (var statement in Sample(statements, perKind, random))
        {
            yield return new Variant($"statement at {statement.SpanStart} deleted", text.Remove(statement.FullSpan.Start, statement.FullSpan.Length));
        }

        var members = root.DescendantNodes().OfType<MemberDeclarationSyntax>().Where(n => n is not BaseNamespaceDeclarationSyntax).ToList();
        foreach (var member in Sample(members, perKind, random))
        {
            yield return new Variant($"member at {member.SpanStart} deleted", text.Remove(member.FullSpan.Start, member.FullSpan.Length));
        }

        // Types unresolved: a using directive removed, or all of them.
        var usings = root.DescendantNodes().OfType<UsingDirectiveSyntax>().ToList();
        foreach (var directive in Sample(usings, perKind, random))
        {
            yield return new Variant($"'{directive}' removed", text.Remove(directive.FullSpan.Start, directive.FullSpan.Length));
        }

        if (usings.Count > 1)
        {
            var withoutUsings = text;
            foreach (var directive in usings.OrderByDescending(u => u.FullSpan.Start))
            {
                withoutUsings = withoutUsings.Remove(directive.FullSpan.Start, directive.FullSpan.Length);
            }

            yield return new Variant("every using directive removed", withoutUsings);
        }
    }

    /// <summary>At most <paramref name="count"/> items, in their order, chosen by <paramref name="random"/>.</summary>
    public static List<T> Sample<T>(IReadOnlyList<T> items, int count, Random random)
    {
        if (items.Count <= count)
        {
            return [.. items];
        }

        return Enumerable.Range(0, items.Count).OrderBy(_ => random.Next()).Take(count).Order().Select(i => items[i]).ToList();
    }
}
