using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>The <c>.editorconfig</c> keys the rules read (documented in docs/configuration.md).</summary>
    internal static class OptionKeys
    {
        /// <summary>AP5001: a middleware awaits <c>Session.LoadAsync()</c> for every request, so handlers need not.</summary>
        public const string SessionPreloaded = "async_patterns.session_preloaded";
    }

    /// <summary>
    /// A boolean <c>.editorconfig</c> option, read once per syntax tree. Create one per compilation
    /// (at compilation start): the cache then lives exactly as long as the compilation.
    /// </summary>
    internal sealed class BooleanTreeOption
    {
        private readonly AnalyzerConfigOptionsProvider _provider;
        private readonly string _key;
        private readonly bool _default;
        private readonly ConcurrentDictionary<SyntaxTree, bool> _values = new ConcurrentDictionary<SyntaxTree, bool>();

        public BooleanTreeOption(AnalyzerConfigOptionsProvider provider, string key, bool defaultValue)
        {
            _provider = provider;
            _key = key;
            _default = defaultValue;
        }

        /// <summary>
        /// The option's value for the tree: <c>true</c>/<c>false</c> (any case, surrounding spaces
        /// ignored); anything else, or no value, is the default.
        /// </summary>
        public bool Get(SyntaxTree tree)
            => _values.GetOrAdd(tree, t => Parse(_provider.GetOptions(t), _key) ?? _default);

        private static bool? Parse(AnalyzerConfigOptions options, string key)
        {
            if (!options.TryGetValue(key, out var text) || text is null)
            {
                return null;
            }

            text = text.Trim();
            if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            return null;
        }
    }
}
