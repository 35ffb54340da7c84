using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>The <c>.editorconfig</c> keys the rules read (documented in docs/configuration.md).</summary>
    internal static class OptionKeys
    {
        /// <summary>AP5001: a middleware awaits <c>Session.LoadAsync()</c> for every request, so handlers need not.</summary>
        public const string SessionPreloaded = "async_patterns.session_preloaded";

        /// <summary>AP4001: the user's own lock methods, <c>Type.Method</c> or <c>Method</c>, comma-separated.</summary>
        public const string LockMethods = "async_patterns.lock_methods";

        /// <summary>AP5002: the longest acceptable <c>SessionOptions.IdleTimeout</c>.</summary>
        public const string MaxSessionIdle = "async_patterns.max_session_idle";

        /// <summary>Every EF rule: extra fully-qualified types (base classes or interfaces) treated as contexts.
        /// Compilation-wide: read from the global options, else from the first tree's options.</summary>
        public const string DbContextTypes = "async_patterns.dbcontext_types";
    }

    /// <summary>An option value that does not parse: the key, the raw value and what is accepted.</summary>
    internal readonly struct InvalidOptionValue
    {
        public InvalidOptionValue(string key, string value, string expected)
        {
            Key = key;
            Value = value;
            Expected = expected;
        }

        public string Key { get; }

        public string Value { get; }

        public string Expected { get; }
    }

    /// <summary>
    /// One typed <c>.editorconfig</c> option, read and parsed once per syntax tree. An absent or blank
    /// value is the default; a value that does not parse is the default too, and is reported by AP9001.
    /// </summary>
    internal sealed class TreeOption<T>
    {
        private readonly AnalyzerConfigOptionsProvider _provider;
        private readonly TryParse _parse;
        private readonly ConcurrentDictionary<SyntaxTree, (T Value, string? Invalid)> _values =
            new ConcurrentDictionary<SyntaxTree, (T Value, string? Invalid)>();

        public delegate bool TryParse(string text, out T value);

        public TreeOption(AnalyzerConfigOptionsProvider provider, string key, T defaultValue, string expected, TryParse parse)
        {
            _provider = provider;
            Key = key;
            Default = defaultValue;
            Expected = expected;
            _parse = parse;
        }

        public string Key { get; }

        public T Default { get; }

        /// <summary>The accepted values, as AP9001's message names them.</summary>
        public string Expected { get; }

        public T Get(SyntaxTree tree) => Read(tree).Value;

        /// <summary>The tree's value when it does not parse (the option then falls back to its default).</summary>
        public bool TryGetInvalid(SyntaxTree tree, out InvalidOptionValue invalid)
        {
            // AP9001 asks once per tree: caching its answer would only grow the dictionary.
            var text = (_values.TryGetValue(tree, out var value) ? value : Parse(_provider.GetOptions(tree))).Invalid;
            invalid = text is null ? default : new InvalidOptionValue(Key, text, Expected);
            return text is not null;
        }

        // Asked per call by some rules: a hit allocates no closure.
        private (T Value, string? Invalid) Read(SyntaxTree tree)
            => _values.TryGetValue(tree, out var value) ? value : _values.GetOrAdd(tree, Parse(_provider.GetOptions(tree)));

        private (T Value, string? Invalid) Parse(AnalyzerConfigOptions options)
        {
            if (!options.TryGetValue(Key, out var text) || string.IsNullOrWhiteSpace(text))
            {
                return (Default, null);
            }

            try
            {
                return _parse(text.Trim(), out var value) ? (value, null) : (Default, text.Trim());
            }
            catch (Exception ex) when (ex is FormatException || ex is OverflowException || ex is ArgumentException)
            {
                return (Default, text.Trim());
            }
        }
    }

    /// <summary>A boolean <c>.editorconfig</c> option: <c>true</c>/<c>false</c> in any case.</summary>
    internal sealed class BooleanTreeOption
    {
        private readonly TreeOption<bool> _option;

        public BooleanTreeOption(AnalyzerConfigOptionsProvider provider, string key, bool defaultValue)
        {
            _option = new TreeOption<bool>(provider, key, defaultValue, "'true' or 'false'", TryParseBoolean);
        }

        public TreeOption<bool> Option => _option;

        /// <summary>The option's value for the tree: <c>true</c>/<c>false</c> (any case, surrounding spaces
        /// ignored); anything else, or no value, is the default.</summary>
        public bool Get(SyntaxTree tree) => _option.Get(tree);

        public static bool TryParseBoolean(string text, out bool value)
        {
            value = false;
            if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
            {
                value = true;
                return true;
            }

            return string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Every <c>async_patterns.*</c> option. Create one per compilation (at compilation start): its
    /// caches then live exactly as long as the compilation. No static mutable state.
    /// </summary>
    internal sealed class TreeOptions
    {
        private readonly AnalyzerOptions _options;

        private TreeOptions(AnalyzerOptions options)
        {
            _options = options;
            var provider = options.AnalyzerConfigOptionsProvider;
            SessionPreloaded = new BooleanTreeOption(provider, OptionKeys.SessionPreloaded, defaultValue: false);
            LockMethods = new TreeOption<LockMethodSet>(
                provider,
                OptionKeys.LockMethods,
                LockMethodSet.Empty,
                "a comma-separated list of method names, each 'Method' or 'Type.Method' (for example 'AccountRepository.LockAsync, LockRow')",
                LockMethodSet.TryParse);
            MaxSessionIdle = new TreeOption<TimeSpan>(
                provider,
                OptionKeys.MaxSessionIdle,
                CookieConfiguration.DefaultMaxSessionIdle,
                "a positive duration: a number and a unit s, m, h or d (for example '30m', '8h', '1d') or a TimeSpan such as '08:00:00'",
                CookieConfiguration.TryParseDuration);
        }

        public static TreeOptions Create(AnalyzerOptions options) => new TreeOptions(options);

        public BooleanTreeOption SessionPreloaded { get; }

        public TreeOption<LockMethodSet> LockMethods { get; }

        public TreeOption<TimeSpan> MaxSessionIdle { get; }

        /// <summary>The accepted form of <c>async_patterns.dbcontext_types</c>.</summary>
        public const string DbContextTypesExpected =
            "a comma-separated list of fully-qualified type names (for example 'MyApp.Data.AppDbContextBase, MyApp.Data.IUnitOfWork')";

        /// <summary>The per-tree options' invalid values for a tree, in key order.</summary>
        public IEnumerable<InvalidOptionValue> InvalidValues(SyntaxTree tree)
        {
            if (SessionPreloaded.Option.TryGetInvalid(tree, out var invalid))
            {
                yield return invalid;
            }

            if (LockMethods.TryGetInvalid(tree, out invalid))
            {
                yield return invalid;
            }

            if (MaxSessionIdle.TryGetInvalid(tree, out invalid))
            {
                yield return invalid;
            }
        }

        /// <summary>
        /// <c>async_patterns.dbcontext_types</c>: one value for the whole compilation, since what a
        /// context is cannot differ from file to file. Read from the global options (a
        /// <c>.globalconfig</c>, or an <c>.editorconfig</c> with <c>is_global = true</c>); when they do
        /// not set it, from the options of the compilation's first syntax tree (so a <c>[*.cs]</c>
        /// section of an <c>.editorconfig</c> works too).
        /// </summary>
        public static DbContextTypesOption ReadDbContextTypes(AnalyzerOptions? options, Compilation compilation)
        {
            if (options is null)
            {
                return DbContextTypesOption.None;
            }

            var provider = options.AnalyzerConfigOptionsProvider;
            string? text = null;
            if (!provider.GlobalOptions.TryGetValue(OptionKeys.DbContextTypes, out text) || string.IsNullOrWhiteSpace(text))
            {
                var first = compilation.SyntaxTrees.FirstOrDefault();
                if (first is null || !provider.GetOptions(first).TryGetValue(OptionKeys.DbContextTypes, out text))
                {
                    text = null;
                }
            }

            return DbContextTypesOption.Parse(text);
        }
    }

    /// <summary>The parsed <c>async_patterns.dbcontext_types</c> option.</summary>
    internal sealed class DbContextTypesOption
    {
        public static readonly DbContextTypesOption None = new DbContextTypesOption(ImmutableArray<string>.Empty, null);

        private DbContextTypesOption(ImmutableArray<string> names, string? invalid)
        {
            Names = names;
            Invalid = invalid;
        }

        /// <summary>The configured metadata names (valid ones only).</summary>
        public ImmutableArray<string> Names { get; }

        /// <summary>The raw value when it does not parse; the option then falls back to its default (no extra types).</summary>
        public string? Invalid { get; }

        public static DbContextTypesOption Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return None;
            }

            var names = ImmutableArray.CreateBuilder<string>();
            foreach (var raw in text!.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var name = raw.Trim();
                if (name.Length == 0)
                {
                    continue;
                }

                if (!IsQualifiedName(name, allowArity: true))
                {
                    return new DbContextTypesOption(ImmutableArray<string>.Empty, text.Trim());
                }

                names.Add(name);
            }

            return names.Count == 0 ? None : new DbContextTypesOption(names.ToImmutable(), null);
        }

        /// <summary>Resolves the names in the compilation; names that it does not define are skipped
        /// (one <c>.globalconfig</c> may serve several projects).</summary>
        public ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation)
        {
            if (Names.IsDefaultOrEmpty)
            {
                return ImmutableArray<INamedTypeSymbol>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            foreach (var name in Names)
            {
                if (compilation.GetTypeByMetadataName(name) is { } type)
                {
                    builder.Add(type);
                }
            }

            return builder.ToImmutable();
        }

        /// <summary><c>Name</c> or <c>A.B.Name</c> (C# identifiers); with <paramref name="allowArity"/> a
        /// generic metadata suffix (<c>Name`1</c>) and nested types (<c>Outer+Inner</c>) too.</summary>
        internal static bool IsQualifiedName(string name, bool allowArity)
        {
            var parts = allowArity ? name.Split('.', '+') : name.Split('.');
            foreach (var part in parts)
            {
                var identifier = part;
                if (allowArity)
                {
                    var tick = part.IndexOf('`');
                    if (tick >= 0)
                    {
                        var arity = part.Substring(tick + 1);
                        if (arity.Length == 0 || !arity.All(char.IsDigit))
                        {
                            return false;
                        }

                        identifier = part.Substring(0, tick);
                    }
                }

                if (identifier.Length == 0
                    || !(char.IsLetter(identifier[0]) || identifier[0] == '_')
                    || !identifier.All(c => char.IsLetterOrDigit(c) || c == '_'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
