using System;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AsyncPatterns.Analyzers.Core
{
    internal enum ContextInstanceKind
    {
        /// <summary><c>this</c> inside the context class itself.</summary>
        This,
        Field,
        Property,
        Parameter,
        Local,

        /// <summary>
        /// A context the containing type received through its constructor (a constructor or
        /// primary-constructor parameter, or a field or property assigned from one). The DI
        /// container resolves every such parameter of one context type from the same scope, so
        /// they are all one instance.
        /// </summary>
        Injected,

        /// <summary>An expression that creates or resolves a context in place and keeps it nowhere.</summary>
        Created,
    }

    /// <summary>One DbContext instance, as far as the code lets us tell which.</summary>
    internal sealed class ContextInstance : IEquatable<ContextInstance>
    {
        private DataAccessModel? _model;
        private ContextInstanceKind _kind;

        public ContextInstance(ContextInstanceKind kind, ISymbol? symbol, ITypeSymbol contextType, SyntaxNode? origin)
        {
            _kind = kind;
            Symbol = symbol;
            ContextType = contextType;
            Origin = origin;
        }

        /// <summary>
        /// A field or property: whether it is <see cref="ContextInstanceKind.Injected"/> is settled on
        /// the first look at <see cref="Kind"/>. Telling means reading the type's constructors, and
        /// most instances are only asked for their type, or compared with none.
        /// </summary>
        public ContextInstance(DataAccessModel model, ISymbol member, ITypeSymbol contextType)
        {
            _model = model;
            Symbol = member;
            ContextType = contextType;
        }

        public ContextInstanceKind Kind
        {
            get
            {
                // Idempotent: two threads that settle it at once write the same value, and the
                // volatile write publishes the kind before a reader can see the model gone.
                if (Volatile.Read(ref _model) is { } model)
                {
                    _kind = model.IsInjectedMember(Symbol!)
                        ? ContextInstanceKind.Injected
                        : Symbol is IFieldSymbol ? ContextInstanceKind.Field : ContextInstanceKind.Property;
                    Volatile.Write(ref _model, null);
                }

                return _kind;
            }
        }

        /// <summary>
        /// The field, property, parameter or local holding the context; for <see cref="ContextInstanceKind.Injected"/>
        /// the member it was read through (any of the aliases); for <see cref="ContextInstanceKind.This"/> the context type.
        /// </summary>
        public ISymbol? Symbol { get; }

        public ITypeSymbol ContextType { get; }

        /// <summary>The creating expression, for <see cref="ContextInstanceKind.Created"/>.</summary>
        public SyntaxNode? Origin { get; }

        /// <summary>A short name for messages: the variable's name, or the context type's.</summary>
        public string DisplayName => Kind switch
        {
            ContextInstanceKind.This => "this",
            ContextInstanceKind.Created => ContextType.Name,
            _ => Symbol?.Name ?? ContextType.Name,
        };

        public bool Equals(ContextInstance? other)
        {
            if (other is null)
            {
                return false;
            }

            // One field or property is one instance whatever its kind: settling the kind reads the
            // type's constructors, and the usual comparison is `_db` with `_db`.
            if (Symbol is IFieldSymbol or IPropertySymbol
                && SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol)
                && SymbolEqualityComparer.Default.Equals(ContextType, other.ContextType))
            {
                return true;
            }

            if (Kind == ContextInstanceKind.Injected && other.Kind == ContextInstanceKind.Injected)
            {
                return SymbolEqualityComparer.Default.Equals(ContextType, other.ContextType)
                       && SymbolEqualityComparer.Default.Equals(Symbol?.ContainingType, other.Symbol?.ContainingType);
            }

            if (Kind != other.Kind)
            {
                return false;
            }

            return Kind == ContextInstanceKind.Created
                ? Origin == other.Origin
                : SymbolEqualityComparer.Default.Equals(Symbol, other.Symbol);
        }

        public override bool Equals(object? obj) => obj is ContextInstance other && Equals(other);

        public override int GetHashCode()
        {
            if (Kind == ContextInstanceKind.Injected)
            {
                return SymbolEqualityComparer.Default.GetHashCode(ContextType);
            }

            return Kind == ContextInstanceKind.Created
                ? Origin?.GetHashCode() ?? 0
                : SymbolEqualityComparer.Default.GetHashCode(Symbol);
        }

        public override string ToString() => $"{Kind}:{DisplayName}";
    }
}
