using Xunit.Sdk;

namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>A verification failure: its message lists what was expected, what happened, and the
/// source annotated with the actual diagnostics.</summary>
public sealed class VerificationException : XunitException
{
    public VerificationException(string message)
        : base(message)
    {
    }
}
