using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    internal enum RowLockSource
    {
        /// <summary>Raw SQL with a locking clause or hint (FromSql*, SqlQuery*, ExecuteSql*).</summary>
        Sql,

        /// <summary>A key-filtered <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> inside an explicit transaction.</summary>
        BulkUpdate,

        /// <summary>A method named in <c>async_patterns.lock_methods</c>.</summary>
        UserMethod,
    }

    /// <summary>One statement that takes row locks, with what it locks and by which key.</summary>
    internal sealed class RowLockAcquisition
    {
        public RowLockAcquisition(
            RowLockSource source,
            IInvocationOperation invocation,
            string table,
            IOperation? key,
            string? keyColumn,
            bool isMultiRow,
            bool hasOrderBy,
            bool isPureLock,
            SyntaxNode? lockClauseSegment)
        {
            Source = source;
            Invocation = invocation;
            Table = table;
            Key = key;
            KeyColumn = keyColumn;
            IsMultiRow = isMultiRow;
            HasOrderBy = hasOrderBy;
            IsPureLock = isPureLock;
            LockClauseSegment = lockClauseSegment;
        }

        public RowLockSource Source { get; }

        /// <summary>The call that takes the lock (<c>FromSqlInterpolated</c>, <c>ExecuteUpdateAsync</c>, the user's method).</summary>
        public IInvocationOperation Invocation { get; }

        /// <summary>The table as written (SQL), the entity type's name, or the user lock method's name.</summary>
        public string Table { get; }

        /// <summary>Case-, quote-, schema- and plural-insensitive form of <see cref="Table"/>, so that
        /// <c>"public"."Accounts"</c>, <c>accounts</c> and the entity <c>Account</c> compare equal.</summary>
        public string TableKey => RowLocks.NormalizeTable(Table);

        /// <summary>The value compared with the key column (an interpolation hole, a parameter
        /// argument, the right side of <c>a.Id == key</c>, a user method's first argument); null when unknown.</summary>
        public IOperation? Key { get; }

        public string? KeyColumn { get; }

        /// <summary>Locks every row matched by <c>= ANY(...)</c> or <c>IN (...)</c>.</summary>
        public bool IsMultiRow { get; }

        public bool HasOrderBy { get; }

        /// <summary>Taking the lock again is harmless: a <c>SELECT ... FOR UPDATE</c>, a user lock method;
        /// not an <c>UPDATE</c> or <c>ExecuteUpdate</c>, which change data.</summary>
        public bool IsPureLock { get; }

        /// <summary>The string literal or interpolated-string text that holds the locking clause, when it is written in place.</summary>
        public SyntaxNode? LockClauseSegment { get; }
    }

    /// <summary>The user's own lock methods, from <c>async_patterns.lock_methods = MyRepo.LockAccountAsync, LockRow</c>.</summary>
    internal sealed class LockMethodSet
    {
        public const string OptionName = OptionKeys.LockMethods;

        public static readonly LockMethodSet Empty = new LockMethodSet(ImmutableArray<(string? Type, string Method)>.Empty);

        private readonly ImmutableArray<(string? Type, string Method)> _entries;

        private LockMethodSet(ImmutableArray<(string? Type, string Method)> entries)
        {
            _entries = entries;
        }

        public bool IsEmpty => _entries.IsEmpty;

        /// <summary>Comma-separated <c>Type.Method</c> or <c>Method</c>; the type may be a simple or a full name.</summary>
        public static LockMethodSet Parse(string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return Empty;
            }

            var builder = ImmutableArray.CreateBuilder<(string? Type, string Method)>();
            foreach (var raw in value!.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = raw.Trim();
                if (entry.Length == 0)
                {
                    continue;
                }

                var dot = entry.LastIndexOf('.');
                builder.Add(dot < 0 ? (null, entry) : (entry.Substring(0, dot), entry.Substring(dot + 1)));
            }

            return new LockMethodSet(builder.ToImmutable());
        }

        /// <summary>Like <see cref="Parse"/>, but fails when an entry is not <c>Method</c> or
        /// <c>Type.Method</c> made of C# identifiers (the option then falls back to no methods, and AP9001 reports it).</summary>
        public static bool TryParse(string? value, out LockMethodSet set)
        {
            set = Empty;
            if (string.IsNullOrWhiteSpace(value))
            {
                return true;
            }

            foreach (var raw in value!.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = raw.Trim();
                if (entry.Length != 0 && !DbContextTypesOption.IsQualifiedName(entry, allowArity: false))
                {
                    return false;
                }
            }

            set = Parse(value);
            return true;
        }

        public bool Contains(IMethodSymbol method)
        {
            foreach (var (type, name) in _entries)
            {
                if (name != method.Name)
                {
                    continue;
                }

                if (type is null)
                {
                    return true;
                }

                for (var containing = method.ContainingType; containing != null; containing = containing.BaseType)
                {
                    if (containing.Name == type || containing.ToDisplayString() == type)
                    {
                        return true;
                    }
                }

                foreach (var implemented in method.ContainingType?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty)
                {
                    if (implemented.Name == type || implemented.ToDisplayString() == type)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Recognizes row-lock acquisitions: SQL whose text holds a locking clause or hint, key-filtered
    /// bulk updates inside an explicit transaction, and the user's lock methods. What each database
    /// locks for each clause: https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS,
    /// https://learn.microsoft.com/sql/t-sql/queries/hints-transact-sql-table,
    /// https://dev.mysql.com/doc/refman/8.0/en/innodb-locking-reads.html.
    /// </summary>
    internal static class RowLocks
    {
        private const int MaxWalkDepth = 16;

        private static readonly Regex LockClause = new Regex(
            @"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|\b(?:UPDLOCK|XLOCK|HOLDLOCK)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>The clauses that end a PostgreSQL or MySQL SELECT, where an ORDER BY can go in front of them.</summary>
        private static readonly Regex TrailingLockClause = new Regex(
            @"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private const string Identifier = @"(?:""[^""]+""|\[[^\]]+\]|`[^`]+`|[A-Za-z_][\w$]*)";
        private const string QualifiedIdentifier = Identifier + @"(?:\s*\.\s*" + Identifier + ")*";

        private static readonly Regex FromTable = new Regex(
            @"\bFROM\s+(" + QualifiedIdentifier + ")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex UpdateTable = new Regex(
            @"^\s*UPDATE\s+(" + QualifiedIdentifier + ")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex Where = new Regex(@"\bWHERE\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        // `id = {#0}` (interpolation hole), `id = {0}` (FromSqlRaw format item), `id = @p0`/`@id`, `id = $1`, `id = 42`.
        private static readonly Regex KeyEquality = new Regex(
            @"(" + QualifiedIdentifier + @")\s*=\s*(\{#\d+\}|\{\d+\}|@\w+|:\w+|\$\d+|\d+|'[^']*')",
            RegexOptions.CultureInvariant);

        private static readonly Regex MultiRow = new Regex(
            @"(" + QualifiedIdentifier + @")\s*(?:=\s*ANY\s*\(|IN\s*\()", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex OrderBy = new Regex(@"\bORDER\s+BY\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex StartsWithSelect = new Regex(@"^\s*(?:\(\s*)?(?:SELECT|WITH)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>Whether SQL text holds a row-locking clause or table hint (any case, any whitespace).</summary>
        public static bool HasLockClause(string sql)
            // Every clause and hint holds "FOR" or "LOCK": most SQL holds neither, and a vectorized
            // search settles it before the regex runs.
            => (sql.IndexOf("FOR", StringComparison.OrdinalIgnoreCase) >= 0 || sql.IndexOf("LOCK", StringComparison.OrdinalIgnoreCase) >= 0)
               && LockClause.IsMatch(sql);

        /// <summary>Where, in SQL text, an <c>ORDER BY</c> goes: before the trailing locking clause; -1 when there is none.</summary>
        public static int OrderByInsertionPoint(string sql)
        {
            var match = TrailingLockClause.Match(sql);
            return match.Success ? match.Index : -1;
        }

        public static string NormalizeTable(string table)
        {
            var name = table;
            var dot = name.LastIndexOf('.');
            if (dot >= 0)
            {
                name = name.Substring(dot + 1);
            }

            name = name.Trim().Trim('"', '[', ']', '`').ToLowerInvariant();
            return name.Length > 1 && name.EndsWith("s", StringComparison.Ordinal) ? name.Substring(0, name.Length - 1) : name;
        }

        /// <summary>
        /// The row lock an invocation takes, or null. <paramref name="isInExplicitTransaction"/> answers
        /// whether a bulk update runs inside an explicit transaction: outside one, its row locks are
        /// released when the statement ends and cannot take part in a deadlock between statements.
        /// </summary>
        public static RowLockAcquisition? Recognize(
            IInvocationOperation invocation,
            DataAccessModel model,
            LockMethodSet userLockMethods,
            Func<IInvocationOperation, bool> isInExplicitTransaction)
        {
            var method = invocation.TargetMethod;
            if (method is null)
            {
                return null;
            }

            if (!userLockMethods.IsEmpty && userLockMethods.Contains(method.ReducedFrom ?? method))
            {
                var first = FirstArgument(invocation);
                return new RowLockAcquisition(RowLockSource.UserMethod, invocation, method.Name, first, null, false, false, true, null);
            }

            var unreduced = method.Unreduced();
            if (IsRawSql(unreduced, model.Types))
            {
                return RecognizeSql(invocation);
            }

            if (IsBulkUpdate(unreduced, model.Types))
            {
                return RecognizeBulkUpdate(invocation, isInExplicitTransaction);
            }

            return null;
        }

        private static bool IsRawSql(IMethodSymbol method, KnownTypes types)
        {
            var name = method.Name;
            return (name.StartsWith("FromSql", StringComparison.Ordinal) && method.IsContainedIn(types.RelationalQueryableExtensions))
                   || (name.StartsWith("SqlQuery", StringComparison.Ordinal) && method.IsContainedIn(types.RelationalDatabaseFacadeExtensions))
                   || (name.StartsWith("ExecuteSql", StringComparison.Ordinal) && method.IsContainedIn(types.RelationalDatabaseFacadeExtensions));
        }

        private static bool IsBulkUpdate(IMethodSymbol method, KnownTypes types)
            => IsBulkUpdateName(method.Name)
               && (method.IsContainedIn(types.EntityFrameworkQueryableExtensions) || method.IsContainedIn(types.RelationalQueryableExtensions));

        /// <summary>ExecuteUpdate..., ExecuteDelete...: the names of the bulk updates <see cref="Recognize"/> reads.</summary>
        public static bool IsBulkUpdateName(string name)
            => name.StartsWith("ExecuteUpdate", StringComparison.Ordinal) || name.StartsWith("ExecuteDelete", StringComparison.Ordinal);

        /// <summary>
        /// Whether the query a terminal operator runs is composed over a locking raw-SQL source
        /// (<c>FromSql(... FOR UPDATE)</c>): such a query must stay where it is in its transaction.
        /// </summary>
        public static bool IsLockingQuery(IInvocationOperation terminal, DataAccessModel model)
        {
            IOperation? current = terminal;
            for (var depth = 0; current != null && depth < 32; depth++, current = DataAccessModel.GetReceiver(DataAccessModel.Unwrap(current)))
            {
                // Whether the call locks is all that is asked here: raw SQL is searched for its
                // locking clause, not parsed for its table and key.
                if (current is not IInvocationOperation { TargetMethod: { } target } invocation)
                {
                    continue;
                }

                var method = target.Unreduced();
                if (IsRawSql(method, model.Types)
                    ? LockingSqlText(invocation) != null
                    : IsBulkUpdate(method, model.Types) && RecognizeBulkUpdate(invocation, _ => true) != null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The SQL a raw-SQL call runs, when it holds a locking clause.</summary>
        private static SqlText? LockingSqlText(IInvocationOperation invocation)
        {
            // The SQL is the first parameter after the receiver: `sql` for FromSqlRaw/SqlQueryRaw/ExecuteSqlRaw,
            // a FormattableString for FromSql/FromSqlInterpolated/SqlQuery/ExecuteSql(Interpolated).
            IArgumentOperation? sqlArgument = null;
            foreach (var argument in invocation.Arguments)
            {
                var parameter = argument.Parameter;
                if (parameter is null || parameter.Ordinal == 0)
                {
                    continue;
                }

                if (sqlArgument is null && (parameter.Type.SpecialType == SpecialType.System_String || parameter.Type.Name == "FormattableString"))
                {
                    sqlArgument = argument;
                }
            }

            if (sqlArgument is null)
            {
                return null;
            }

            var text = SqlText.From(sqlArgument.Value);
            return text is null || !HasLockClause(text.Text) ? null : text;
        }

        private static RowLockAcquisition? RecognizeSql(IInvocationOperation invocation)
        {
            var text = LockingSqlText(invocation);
            if (text is null)
            {
                return null;
            }

            var rawParameters = RawParameters(invocation);
            var sql = text.Text;
            var tableMatch = FromTable.Match(sql);
            if (!tableMatch.Success)
            {
                tableMatch = UpdateTable.Match(sql);
            }

            var table = tableMatch.Success ? tableMatch.Groups[1].Value : "?";
            var whereMatch = Where.Match(sql);
            IOperation? key = null;
            string? keyColumn = null;
            var isMultiRow = false;
            if (whereMatch.Success)
            {
                var afterWhere = sql.Substring(whereMatch.Index + whereMatch.Length);
                // Both patterns open with an identifier, which the regex tries at every position:
                // the words they need are looked for first.
                var multi = afterWhere.IndexOf("IN", StringComparison.OrdinalIgnoreCase) >= 0 || afterWhere.IndexOf("ANY", StringComparison.OrdinalIgnoreCase) >= 0
                    ? MultiRow.Match(afterWhere)
                    : Match.Empty;
                if (multi.Success)
                {
                    isMultiRow = true;
                    keyColumn = multi.Groups[1].Value;
                }
                else
                {
                    var equality = afterWhere.IndexOf('=') >= 0 ? KeyEquality.Match(afterWhere) : Match.Empty;
                    if (equality.Success)
                    {
                        keyColumn = equality.Groups[1].Value;
                        key = ResolveKey(equality.Groups[2].Value, text, rawParameters);
                    }
                }
            }

            var segment = text.Segments.FirstOrDefault(s => s.Syntax != null && HasLockClause(s.Value))?.Syntax;
            return new RowLockAcquisition(
                RowLockSource.Sql,
                invocation,
                table,
                key,
                keyColumn,
                isMultiRow,
                sql.IndexOf("ORDER", StringComparison.OrdinalIgnoreCase) >= 0 && OrderBy.IsMatch(sql),
                StartsWithSelect.IsMatch(sql),
                segment);
        }

        private static IOperation? ResolveKey(string token, SqlText text, ImmutableArray<IOperation> rawParameters)
        {
            if (token.StartsWith("{#", StringComparison.Ordinal))
            {
                var index = int.Parse(token.Substring(2, token.Length - 3), System.Globalization.CultureInfo.InvariantCulture);
                return index < text.Holes.Length ? text.Holes[index] : null;
            }

            int? parameterIndex = null;
            if (token.StartsWith("{", StringComparison.Ordinal))
            {
                parameterIndex = ParseIndex(token.Substring(1, token.Length - 2));
            }
            else if (token.StartsWith("@p", StringComparison.OrdinalIgnoreCase))
            {
                parameterIndex = ParseIndex(token.Substring(2));
            }
            else if (token.StartsWith("$", StringComparison.Ordinal))
            {
                parameterIndex = ParseIndex(token.Substring(1)) - 1;
            }

            if (parameterIndex is int i && i >= 0 && i < rawParameters.Length)
            {
                return ParameterValue(rawParameters[i]);
            }

            if (rawParameters.Length == 1 && (token.StartsWith("@", StringComparison.Ordinal) || token.StartsWith(":", StringComparison.Ordinal)))
            {
                return ParameterValue(rawParameters[0]);
            }

            return null;
        }

        private static int? ParseIndex(string digits)
            => int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : (int?)null;

        /// <summary>A DbParameter's value (<c>new NpgsqlParameter("id", fromId)</c>), or the argument itself.</summary>
        private static IOperation ParameterValue(IOperation argument)
        {
            var value = DataAccessModel.Unwrap(argument);
            if (value is IObjectCreationOperation creation && creation.Arguments.Length >= 2)
            {
                return creation.Arguments[creation.Arguments.Length - 1].Value;
            }

            return value;
        }

        /// <summary>The values of the <c>params object[]</c> argument of FromSqlRaw/SqlQueryRaw/ExecuteSqlRaw.</summary>
        private static ImmutableArray<IOperation> RawParameters(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { IsParams: true } || argument.Parameter?.Type is IArrayTypeSymbol)
                {
                    if (argument.Value is IArrayCreationOperation { Initializer: { } initializer })
                    {
                        return initializer.ElementValues;
                    }
                }
            }

            return ImmutableArray<IOperation>.Empty;
        }

        private static RowLockAcquisition? RecognizeBulkUpdate(IInvocationOperation invocation, Func<IInvocationOperation, bool> isInExplicitTransaction)
        {
            var source = DataAccessModel.GetReceiver(invocation);
            IOperation? key = null;
            string? keyColumn = null;
            ITypeSymbol? entityType = null;
            for (var depth = 0; source != null && depth < MaxWalkDepth; depth++)
            {
                source = DataAccessModel.Unwrap(source);
                if (entityType is null && source.Type is INamedTypeSymbol { TypeArguments.Length: 1 } queryType)
                {
                    entityType = queryType.TypeArguments[0];
                }

                if (source is IInvocationOperation { TargetMethod.Name: "Where" } where && key is null)
                {
                    (key, keyColumn) = KeyOfWhere(where);
                }

                if (source is not IInvocationOperation)
                {
                    break;
                }

                source = DataAccessModel.GetReceiver(source);
            }

            if (key is null || entityType is null || !isInExplicitTransaction(invocation))
            {
                return null;
            }

            return new RowLockAcquisition(RowLockSource.BulkUpdate, invocation, entityType.Name, key, keyColumn, false, false, false, null);
        }

        /// <summary>The value compared with the entity's key in <c>Where(a => a.Id == key)</c> (either side).</summary>
        private static (IOperation? Key, string? Column) KeyOfWhere(IInvocationOperation where)
        {
            IAnonymousFunctionOperation? lambda = null;
            foreach (var argument in where.Arguments)
            {
                var value = DataAccessModel.Unwrap(argument.Value);
                if ((value is IDelegateCreationOperation d ? DataAccessModel.Unwrap(d.Target) : value) is IAnonymousFunctionOperation function)
                {
                    lambda = function;
                    break;
                }
            }

            if (lambda?.Body.Operations.FirstOrDefault() is not IReturnOperation { ReturnedValue: { } returned }
                || DataAccessModel.Unwrap(returned) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equality)
            {
                return (null, null);
            }

            var parameter = lambda.Symbol.Parameters.FirstOrDefault();
            if (IsKeyProperty(DataAccessModel.Unwrap(equality.LeftOperand), parameter) is { } left)
            {
                return (equality.RightOperand, left);
            }

            if (IsKeyProperty(DataAccessModel.Unwrap(equality.RightOperand), parameter) is { } right)
            {
                return (equality.LeftOperand, right);
            }

            return (null, null);
        }

        /// <summary>The name of the key property when the operation reads it from the lambda parameter:
        /// <c>Id</c>, <c>&lt;Entity&gt;Id</c> (EF Core's key conventions) or a property marked [Key].</summary>
        private static string? IsKeyProperty(IOperation operation, IParameterSymbol? parameter)
        {
            if (operation is not IPropertyReferenceOperation { Instance: IParameterReferenceOperation instance } property
                || parameter is null
                || !SymbolEqualityComparer.Default.Equals(instance.Parameter, parameter))
            {
                return null;
            }

            var name = property.Property.Name;
            var entity = property.Property.ContainingType?.Name;
            if (string.Equals(name, "Id", StringComparison.OrdinalIgnoreCase)
                || (entity != null && name.Length == entity.Length + 2
                    && name.StartsWith(entity, StringComparison.OrdinalIgnoreCase) && name.EndsWith("Id", StringComparison.OrdinalIgnoreCase))
                || property.Property.GetAttributes().Any(a => a.AttributeClass?.Name == "KeyAttribute"))
            {
                return name;
            }

            return null;
        }

        private static IOperation? FirstArgument(IInvocationOperation invocation)
        {
            var isExtension = invocation.TargetMethod.IsExtensionMethod && invocation.TargetMethod.ReducedFrom is null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is null)
                {
                    continue;
                }

                if (argument.Parameter.Ordinal == (isExtension ? 1 : 0))
                {
                    return argument.Value;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The text of SQL built from constants, interpolated strings, <c>+</c> concatenations and
    /// <c>const</c> fields, with each interpolation hole written <c>{#n}</c>.
    /// </summary>
    internal sealed class SqlText
    {
        private const int MaxDepth = 16;

        private SqlText(string text, ImmutableArray<IOperation> holes, ImmutableArray<SqlSegment> segments)
        {
            Text = text;
            Holes = holes;
            Segments = segments;
        }

        public string Text { get; }

        public ImmutableArray<IOperation> Holes { get; }

        public ImmutableArray<SqlSegment> Segments { get; }

        public static SqlText? From(IOperation? operation)
        {
            var builder = new StringBuilder();
            var holes = ImmutableArray.CreateBuilder<IOperation>();
            var segments = ImmutableArray.CreateBuilder<SqlSegment>();
            return Append(operation, builder, holes, segments, 0)
                ? new SqlText(builder.ToString(), holes.ToImmutable(), segments.ToImmutable())
                : null;
        }

        private static bool Append(
            IOperation? operation,
            StringBuilder builder,
            ImmutableArray<IOperation>.Builder holes,
            ImmutableArray<SqlSegment>.Builder segments,
            int depth)
        {
            if (operation is null || depth > MaxDepth)
            {
                return false;
            }

            operation = DataAccessModel.Unwrap(operation);
            if (operation.ConstantValue is { HasValue: true, Value: string constant })
            {
                builder.Append(constant);
                segments.Add(new SqlSegment(constant, operation.Syntax is LiteralExpressionSyntax ? operation.Syntax : null));
                return true;
            }

            switch (operation)
            {
                case IInterpolatedStringOperation interpolated:
                    foreach (var part in interpolated.Parts)
                    {
                        switch (part)
                        {
                            case IInterpolatedStringTextOperation { Text.ConstantValue: { HasValue: true, Value: string text } } textPart:
                                builder.Append(text);
                                segments.Add(new SqlSegment(text, textPart.Syntax));
                                break;
                            case IInterpolationOperation hole:
                                builder.Append("{#").Append(holes.Count).Append('}');
                                holes.Add(hole.Expression);
                                break;
                        }
                    }

                    return true;

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add when add.Type?.SpecialType == SpecialType.System_String:
                    return Append(add.LeftOperand, builder, holes, segments, depth + 1)
                           && Append(add.RightOperand, builder, holes, segments, depth + 1);

                case ILocalReferenceOperation local when !IsReassigned(local):
                    return Append(DataAccessModel.GetLocalInitializer(local), builder, holes, segments, depth + 1);

                default:
                    // A value the analyzer cannot read: keep it as a hole so the rest still parses.
                    builder.Append("{#").Append(holes.Count).Append('}');
                    holes.Add(operation);
                    return true;
            }
        }

        private static bool IsReassigned(ILocalReferenceOperation local)
        {
            var declaration = local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
            var body = declaration?.FirstAncestorOrSelf<BlockSyntax>();
            if (body is null)
            {
                return true;
            }

            return body.DescendantNodes()
                .OfType<AssignmentExpressionSyntax>()
                .Any(a => a.Left is IdentifierNameSyntax name && name.Identifier.ValueText == local.Local.Name);
        }
    }

    internal sealed class SqlSegment
    {
        public SqlSegment(string value, SyntaxNode? syntax)
        {
            Value = value;
            Syntax = syntax;
        }

        public string Value { get; }

        /// <summary>The literal or interpolated-string text it comes from, when written in place (not a const field).</summary>
        public SyntaxNode? Syntax { get; }
    }
}
