using System.Collections.Immutable;
using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Sessions
{
    /// <summary>
    /// AP5003: a string, UTF-8 or byte-array literal used as a signing or encryption key — the key
    /// of <c>SymmetricSecurityKey</c> (JWT bearer <c>IssuerSigningKey</c>, <c>SigningCredentials</c>),
    /// of the <c>HMAC*</c> family, <c>SymmetricAlgorithm.Key</c> (<c>Aes.Create().Key = ...</c>),
    /// <c>AesGcm</c>/<c>AesCcm</c>/<c>ChaCha20Poly1305</c>. A key in source is in every clone and every
    /// build, and rotating it takes a release
    /// (https://learn.microsoft.com/aspnet/core/security/app-secrets). Keys read from configuration,
    /// the environment or a random generator are not literals and stay silent.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AP5003HardCodedSecretKeyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the <see cref="SecretForm"/> the fix writes.</summary>
        public const string FormProperty = "Form";

        /// <summary>Diagnostic property: the configuration key the fix reads (<c>Jwt:SigningKey</c>).</summary>
        public const string ConfigurationKeyProperty = "ConfigurationKey";

        /// <summary>Diagnostic property: present when the diagnostic is on a reference to a constant or
        /// static readonly field (or a constant local) that holds the secret.</summary>
        public const string ViaDeclarationProperty = "ViaDeclaration";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.AP5003HardCodedSecretKey);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
            context.RegisterCompilationStartAction(start =>
            {
                var secrets = SecretLiterals.Create(start.Compilation);
                if (secrets is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => AnalyzeCall(c, secrets), OperationKind.ObjectCreation, OperationKind.Invocation);
                start.RegisterOperationAction(c => AnalyzeAssignment(c, secrets), OperationKind.SimpleAssignment);
            });
        }

        private static void AnalyzeCall(OperationAnalysisContext context, SecretLiterals secrets)
        {
            if (!SecretLiterals.TakesKey(context.Operation))
            {
                return;
            }

            foreach (var argument in SecretLiterals.Arguments(context.Operation))
            {
                var sink = context.Operation switch
                {
                    IObjectCreationOperation creation => secrets.ConstructorSink(creation, argument),
                    IInvocationOperation invocation => secrets.InvocationSink(invocation, argument),
                    _ => null,
                };
                if (sink != null && IsValid(argument.Value))
                {
                    Report(context, secrets.Find(argument.Value), sink);
                }
            }
        }

        private static void AnalyzeAssignment(OperationAnalysisContext context, SecretLiterals secrets)
        {
            // By kind: every assignment of the compilation asks, and most assign locals and fields.
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            if (assignment.Target.Kind == OperationKind.PropertyReference
                && secrets.PropertySink((IPropertyReferenceOperation)assignment.Target) is { } sink && IsValid(assignment.Value))
            {
                Report(context, secrets.Find(assignment.Value), sink);
            }
        }

        /// <summary>Half-typed code (<c>new SymmetricSecurityKey("text")</c>) is the compiler's to report.</summary>
        private static bool IsValid(IOperation value)
            => value is not IInvalidOperation && value is not IConversionOperation { Conversion.Exists: false };

        private static void Report(OperationAnalysisContext context, SecretLiteral? secret, SecretSink sink)
        {
            if (secret is null)
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(FormProperty, secret.Form.ToString())
                .Add(ConfigurationKeyProperty, sink.ConfigurationKey);
            if (secret.ViaField)
            {
                properties = properties.Add(ViaDeclarationProperty, "true");
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AP5003HardCodedSecretKey,
                secret.Operation.Syntax.GetLocation(),
                properties,
                secret.Description,
                sink.Display));
        }
    }
}
