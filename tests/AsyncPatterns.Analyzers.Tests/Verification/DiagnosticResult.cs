using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>One expected location of a <see cref="DiagnosticResult"/>: a span or a position in a
/// file (an empty path means the first source file of the state being verified), or a markup key
/// (<c>{|#0:...|}</c>) resolved against the sources when the test runs.</summary>
public readonly struct DiagnosticLocation
{
    internal DiagnosticLocation(string path, LinePosition start, LinePosition? end, int? markupKey)
    {
        Path = path;
        Start = start;
        End = end;
        MarkupKey = markupKey;
    }

    /// <summary>The file; empty for the first source file.</summary>
    public string Path { get; }

    /// <summary>Zero-based start.</summary>
    public LinePosition Start { get; }

    /// <summary>Zero-based end; null when only the start is compared.</summary>
    public LinePosition? End { get; }

    /// <summary>The markup key this location refers to, before it is resolved.</summary>
    public int? MarkupKey { get; }

    public override string ToString()
    {
        if (MarkupKey is { } key)
        {
            return "{|#" + key.ToString(CultureInfo.InvariantCulture) + ":...|}";
        }

        var path = Path.Length == 0 ? "(first file)" : Path;
        var start = $"({Start.Line + 1},{Start.Character + 1})";
        return End is { } end ? $"{path}{start}-({end.Line + 1},{end.Character + 1})" : path + start;
    }
}

/// <summary>An expected diagnostic. Immutable: every <c>With*</c> method returns a copy. Calling
/// <c>WithLocation</c>/<c>WithSpan</c> more than once adds additional locations after the primary
/// one, in the order of the calls.</summary>
public readonly struct DiagnosticResult
{
    private readonly string? _id;
    private readonly ImmutableArray<DiagnosticLocation> _locations;
    private readonly ImmutableArray<object?> _arguments;

    public DiagnosticResult(string id, DiagnosticSeverity severity)
        : this(id, severity, messageFormat: null, arguments: default, message: null, locations: default, noLocation: false, fromMarkup: false)
    {
    }

    public DiagnosticResult(DiagnosticDescriptor descriptor)
        : this(descriptor.Id, descriptor.DefaultSeverity, descriptor.MessageFormat, arguments: default, message: null, locations: default, noLocation: false, fromMarkup: false)
    {
    }

    private DiagnosticResult(
        string id,
        DiagnosticSeverity? severity,
        LocalizableString? messageFormat,
        ImmutableArray<object?> arguments,
        string? message,
        ImmutableArray<DiagnosticLocation> locations,
        bool noLocation,
        bool fromMarkup)
    {
        _id = id;
        Severity = severity;
        MessageFormat = messageFormat;
        _arguments = arguments;
        ExplicitMessage = message;
        _locations = locations;
        IsNoLocation = noLocation;
        IsFromMarkup = fromMarkup;
    }

    public string Id => _id ?? string.Empty;

    /// <summary>The expected severity; null when it is not compared (markup results).</summary>
    public DiagnosticSeverity? Severity { get; }

    /// <summary>The descriptor's message format, when the result was created from a descriptor.</summary>
    public LocalizableString? MessageFormat { get; }

    /// <summary>The message arguments given with <see cref="WithArguments"/>, or null.</summary>
    public ImmutableArray<object?>? MessageArguments => _arguments.IsDefault ? null : _arguments;

    /// <summary>The expected message: the one given with <see cref="WithMessage"/>, or the message
    /// format applied to the arguments; null when the message is not compared.</summary>
    public string? Message => ExplicitMessage ?? (_arguments.IsDefault || MessageFormat is null ? null : Format(MessageFormat, _arguments));

    public ImmutableArray<DiagnosticLocation> Locations => _locations.IsDefault ? ImmutableArray<DiagnosticLocation>.Empty : _locations;

    public bool HasLocation => !Locations.IsEmpty;

    internal string? ExplicitMessage { get; }

    internal bool IsNoLocation { get; }

    /// <summary>Created from <c>[|...|]</c> or <c>{|ID:...|}</c>: only the ID and the span are compared.</summary>
    internal bool IsFromMarkup { get; }

    public static DiagnosticResult CompilerError(string id) => new(id, DiagnosticSeverity.Error);

    public static DiagnosticResult CompilerWarning(string id) => new(id, DiagnosticSeverity.Warning);

    /// <summary>The location marked <c>{|#markupKey:...|}</c> in the sources (the whole span is compared).</summary>
    public DiagnosticResult WithLocation(int markupKey)
        => AddLocation(new DiagnosticLocation(string.Empty, default, null, markupKey));

    /// <summary>A 1-based position in the first source file; only the start of the span is compared.</summary>
    public DiagnosticResult WithLocation(int line, int column) => WithLocation(string.Empty, line, column);

    /// <summary>A 1-based position; only the start of the span is compared.</summary>
    public DiagnosticResult WithLocation(string path, int line, int column)
        => AddLocation(new DiagnosticLocation(path, ToPosition(line, column), null, null));

    /// <summary>A 1-based span in the first source file.</summary>
    public DiagnosticResult WithSpan(int startLine, int startColumn, int endLine, int endColumn)
        => WithSpan(string.Empty, startLine, startColumn, endLine, endColumn);

    /// <summary>A 1-based span.</summary>
    public DiagnosticResult WithSpan(string path, int startLine, int startColumn, int endLine, int endColumn)
        => AddLocation(new DiagnosticLocation(path, ToPosition(startLine, startColumn), ToPosition(endLine, endColumn), null));

    /// <summary>The diagnostic has no source location (<see cref="Location.None"/>).</summary>
    public DiagnosticResult WithNoLocation()
        => new(Id, Severity, MessageFormat, _arguments, ExplicitMessage, ImmutableArray<DiagnosticLocation>.Empty, noLocation: true, IsFromMarkup);

    /// <summary>The message is the descriptor's format applied to these arguments (for compiler
    /// diagnostics, the actual diagnostic's format).</summary>
    public DiagnosticResult WithArguments(params object?[] arguments)
        => new(Id, Severity, MessageFormat, arguments.ToImmutableArray(), ExplicitMessage, _locations, IsNoLocation, IsFromMarkup);

    public DiagnosticResult WithMessage(string message)
        => new(Id, Severity, MessageFormat, _arguments, message, _locations, IsNoLocation, IsFromMarkup);

    public DiagnosticResult WithMessageFormat(LocalizableString messageFormat)
        => new(Id, Severity, messageFormat, _arguments, ExplicitMessage, _locations, IsNoLocation, IsFromMarkup);

    public DiagnosticResult WithSeverity(DiagnosticSeverity severity)
        => new(Id, severity, MessageFormat, _arguments, ExplicitMessage, _locations, IsNoLocation, IsFromMarkup);

    internal static DiagnosticResult FromMarkup(string id, string path, LinePosition start, LinePosition end)
        => new(id, null, null, default, null, ImmutableArray.Create(new DiagnosticLocation(path, start, end, null)), noLocation: false, fromMarkup: true);

    internal DiagnosticResult WithResolvedLocations(ImmutableArray<DiagnosticLocation> locations)
        => new(Id, Severity, MessageFormat, _arguments, ExplicitMessage, locations, IsNoLocation, IsFromMarkup);

    /// <summary>The message to compare with <paramref name="actual"/>, or null when not compared.</summary>
    internal string? ExpectedMessageFor(Diagnostic actual)
    {
        if (ExplicitMessage is not null)
        {
            return ExplicitMessage;
        }

        if (_arguments.IsDefault)
        {
            return null;
        }

        return Format(MessageFormat ?? actual.Descriptor.MessageFormat, _arguments);
    }

    public override string ToString()
    {
        var builder = new StringBuilder(Id);
        if (IsNoLocation || Locations.IsEmpty)
        {
            builder.Append(" (no location)");
        }
        else
        {
            builder.Append(" at ").Append(string.Join(", additional ", Locations));
        }

        if (Severity is { } severity)
        {
            builder.Append(", severity ").Append(severity);
        }

        if (ExplicitMessage is not null || !_arguments.IsDefault)
        {
            var message = ExplicitMessage ?? (MessageFormat is null ? null : Format(MessageFormat, _arguments));
            builder.Append(message is null
                ? ", arguments (" + string.Join(", ", _arguments.Select(a => a?.ToString() ?? "null")) + ")"
                : ", message \"" + message + "\"");
        }

        return builder.ToString();
    }

    private static string Format(LocalizableString format, ImmutableArray<object?> arguments)
        => string.Format(CultureInfo.CurrentCulture, format.ToString(CultureInfo.CurrentCulture), arguments.ToArray());

    private static LinePosition ToPosition(int line, int column)
    {
        if (line < 1 || column < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(line), $"Lines and columns are 1-based; got ({line},{column}).");
        }

        return new LinePosition(line - 1, column - 1);
    }

    private DiagnosticResult AddLocation(DiagnosticLocation location)
        => new(Id, Severity, MessageFormat, _arguments, ExplicitMessage, Locations.Add(location), noLocation: false, IsFromMarkup);
}
