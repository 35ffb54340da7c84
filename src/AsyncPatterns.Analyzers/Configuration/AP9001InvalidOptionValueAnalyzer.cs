using System.Collections.Immutable;
using System.IO;
using System.Linq;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Configuration
{
    /// <summary>
    /// AP9001: an <c>async_patterns.*</c> option whose value does not parse. The option falls back to
    /// its default and this rule says so, once per key per syntax tree the value applies to, on the
    /// tree's first token (a diagnostic cannot point into an <c>.editorconfig</c>). The
    /// compilation-wide <c>async_patterns.dbcontext_types</c> is reported once, on the first tree.
    /// Reported from a syntax-tree action, so the IDE shows it while typing.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP9001InvalidOptionValueAnalyzer : DiagnosticAnalyzer
    {
        private const string GlobalOptions = "the global options (.globalconfig)";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP9001InvalidOptionValue);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var options = TreeOptions.Create(start.Options);
                var firstTree = start.Compilation.SyntaxTrees.FirstOrDefault();
                var contextTypes = TreeOptions.ReadDbContextTypes(start.Options, start.Compilation);
                var contextTypesAreGlobal = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(OptionKeys.DbContextTypes, out var globalText)
                    && !string.IsNullOrWhiteSpace(globalText);
                start.RegisterSyntaxTreeAction(c =>
                {
                    var tree = c.Tree;
                    foreach (var invalid in options.InvalidValues(tree))
                    {
                        var global = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(invalid.Key, out var globalValue)
                            && globalValue?.Trim() == invalid.Value;
                        Report(c, tree, invalid, global ? GlobalOptions : Where(tree));
                    }

                    if (contextTypes.Invalid is { } text && tree == firstTree)
                    {
                        Report(
                            c,
                            tree,
                            new InvalidOptionValue(OptionKeys.DbContextTypes, text, TreeOptions.DbContextTypesExpected),
                            contextTypesAreGlobal ? GlobalOptions : Where(tree));
                    }
                });
            });
        }

        private static void Report(SyntaxTreeAnalysisContext context, SyntaxTree tree, InvalidOptionValue invalid, string where)
        {
            var root = tree.GetRoot(context.CancellationToken);
            var token = root.GetFirstToken(includeZeroWidth: true);
            var location = Location.Create(tree, token.Span);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP9001InvalidOptionValue,
                location,
                invalid.Key,
                invalid.Value,
                where,
                invalid.Expected));
        }

        private static string Where(SyntaxTree tree)
        {
            var path = tree.FilePath;
            if (string.IsNullOrEmpty(path))
            {
                return "the .editorconfig options of this file";
            }

            try
            {
                return "the .editorconfig options of '" + Path.GetFileName(path) + "'";
            }
            catch (System.ArgumentException)
            {
                return "the .editorconfig options of '" + path + "'";
            }
        }
    }
}
