namespace AsyncPatterns.Analyzers.Tests.Verification;

/// <summary>Which compiler diagnostics a test must list among its expected diagnostics. Test code
/// is real code: by default every compiler error has to be expected explicitly.</summary>
public enum CompilerDiagnostics
{
    /// <summary>Compiler diagnostics are ignored (unless an expected diagnostic names their ID).</summary>
    None,

    /// <summary>Compiler errors must be expected.</summary>
    Errors,

    /// <summary>Compiler errors and warnings must be expected.</summary>
    Warnings,
}

/// <summary>Checks a code-fix test may skip; rule tests use none of them without a reason in a comment.</summary>
[Flags]
public enum CodeFixTestBehaviors
{
    None = 0,

    /// <summary>Skip every Fix All scope.</summary>
    SkipFixAllCheck = SkipFixAllInDocumentCheck | SkipFixAllInProjectCheck | SkipFixAllInSolutionCheck,

    SkipFixAllInDocumentCheck = 1,

    SkipFixAllInProjectCheck = 2,

    SkipFixAllInSolutionCheck = 4,

    /// <summary>Skip the check that the fixed code has no compiler diagnostics the original had not.</summary>
    SkipCompileCheck = 8,
}
