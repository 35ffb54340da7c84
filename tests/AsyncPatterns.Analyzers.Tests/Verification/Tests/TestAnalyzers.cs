using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Tests.Verification.Tests;

// Small analyzers and fixes with known behaviour, to prove that the verifier passes and fails when
// it should. They are never shipped or loaded by a compiler, so the analyzer-packaging rules
// (netstandard2.0 only, no Workspaces reference, release tracking) do not apply to them.
#pragma warning disable RS1036, RS1038, RS1041, RS2008

/// <summary>VT0001 on every field whose name starts with "Bad"; the field named "Boom" makes it throw.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BadFieldAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = new(
        "VT0001", "Bad field", "Field '{0}' is bad", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(
            c =>
            {
                if (c.Symbol.Name == "Boom")
                {
                    throw new InvalidOperationException("Boom field found");
                }

                if (c.Symbol.Name.StartsWith("Bad", StringComparison.Ordinal))
                {
                    c.ReportDiagnostic(Diagnostic.Create(Rule, c.Symbol.Locations[0], c.Symbol.Name));
                }
            },
            SymbolKind.Field);
    }
}

/// <summary>Renames "BadX" to "GoodX"; offers nothing for "BadUnfixable"; a second action renames to "FineX".</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class RenameBadFieldFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("VT0001");

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var token = root!.FindToken(context.Span.Start);
        var name = token.ValueText;
        if (name == "BadUnfixable")
        {
            return;
        }

        context.RegisterCodeFix(Rename(context.Document, root, token, "Good" + name[3..], "VT0001.Good"), context.Diagnostics);
        context.RegisterCodeFix(Rename(context.Document, root, token, "Fine" + name[3..], "VT0001.Fine"), context.Diagnostics);
    }

    internal static CodeAction Rename(Document document, SyntaxNode root, SyntaxToken token, string newName, string key)
        => CodeAction.Create(
            $"Rename to {newName}",
            _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceToken(token, SyntaxFactory.Identifier(token.LeadingTrivia, newName, token.TrailingTrivia)))),
            key);
}

/// <summary>"Fixes" by changing the field's type to one that does not exist.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class BrokenFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("VT0001");

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var declaration = root!.FindToken(context.Span.Start).Parent!.FirstAncestorOrSelf<FieldDeclarationSyntax>()!;
        var token = root.FindToken(context.Span.Start);
        var newDeclaration = declaration
            .ReplaceToken(token, SyntaxFactory.Identifier(token.LeadingTrivia, "Good" + token.ValueText[3..], token.TrailingTrivia));
        newDeclaration = newDeclaration.WithDeclaration(newDeclaration.Declaration.WithType(
            SyntaxFactory.IdentifierName("Missing").WithTriviaFrom(newDeclaration.Declaration.Type)));
        context.RegisterCodeFix(
            CodeAction.Create("Break it", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, newDeclaration))), "VT0001.Break"),
            context.Diagnostics);
    }
}

/// <summary>Renames "BadA" to "BadB" and back: applying it one at a time never ends.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class LoopingFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("VT0001");

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var token = root!.FindToken(context.Span.Start);
        var newName = token.ValueText == "BadA" ? "BadB" : "BadA";
        context.RegisterCodeFix(RenameBadFieldFix.Rename(context.Document, root, token, newName, "VT0001.Loop"), context.Diagnostics);
    }
}

/// <summary>Renames "BadN" to "BadN1": every text is new, but it never converges.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class GrowingFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("VT0001");

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var token = root!.FindToken(context.Span.Start);
        context.RegisterCodeFix(RenameBadFieldFix.Rename(context.Document, root, token, token.ValueText + "1", "VT0001.Grow"), context.Diagnostics);
    }
}

/// <summary>A correct rename without a Fix All provider.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class NoFixAllFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("VT0001");

    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var token = root!.FindToken(context.Span.Start);
        context.RegisterCodeFix(RenameBadFieldFix.Rename(context.Document, root, token, "Good" + token.ValueText[3..], "VT0001.Good"), context.Diagnostics);
    }
}

/// <summary>VT0002 on fields whose name starts with the prefix configured by
/// <c>async_patterns.test_prefix</c>; the message names the configured prefix.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OptionAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = new(
        "VT0002", "Configured prefix", "Field '{0}' starts with configured prefix '{1}'", "Test", DiagnosticSeverity.Info, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(
            c =>
            {
                var location = c.Symbol.Locations[0];
                var options = c.Options.AnalyzerConfigOptionsProvider.GetOptions(location.SourceTree!);
                if (options.TryGetValue("async_patterns.test_prefix", out var prefix)
                    && c.Symbol.Name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    c.ReportDiagnostic(Diagnostic.Create(Rule, location, c.Symbol.Name, prefix));
                }
            },
            SymbolKind.Field);
    }
}

/// <summary>Two descriptors: VT0003 on fields, VT0004 on methods; VT0004 points at the containing type too.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TwoRuleAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor FieldRule = new(
        "VT0003", "Field", "Field '{0}'", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MethodRule = new(
        "VT0004", "Method", "Method '{0}'", "Test", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(FieldRule, MethodRule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(c => c.ReportDiagnostic(Diagnostic.Create(FieldRule, c.Symbol.Locations[0], c.Symbol.Name)), SymbolKind.Field);
        context.RegisterSymbolAction(
            c =>
            {
                if (c.Symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
                {
                    c.ReportDiagnostic(Diagnostic.Create(MethodRule, method.Locations[0], new[] { method.ContainingType.Locations[0] }, method.Name));
                }
            },
            SymbolKind.Method);
    }
}

/// <summary>Replaces the field with an unformatted, fully qualified declaration annotated for the
/// formatter and the simplifier, as real fixes do.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class FormattingFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("VT0001");

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var declaration = root!.FindToken(context.Span.Start).Parent!.FirstAncestorOrSelf<FieldDeclarationSyntax>()!;
        var name = declaration.Declaration.Variables[0].Identifier.ValueText;
        var replacement = SyntaxFactory.ParseMemberDeclaration($"private   global::System.Threading.Tasks.Task?Good{name[3..]};")!
            .WithLeadingTrivia(declaration.GetLeadingTrivia())
            .WithTrailingTrivia(declaration.GetTrailingTrivia())
            .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation, Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation);
        context.RegisterCodeFix(
            CodeAction.Create("Make it a task", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, replacement))), "VT0001.Task"),
            context.Diagnostics);
    }
}

/// <summary>Throws while registering its fix.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class ThrowingFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("VT0001");

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => throw new NotSupportedException("fix exploded");
}
