using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Core
{
    /// <summary>How a hard-coded secret is written, which says how configuration replaces it.</summary>
    internal enum SecretForm
    {
        /// <summary>A string (a literal, a constant, a string constant field): replaced by the configuration value.</summary>
        Text,

        /// <summary>UTF-8 bytes of a text (<c>"..."u8</c>, <c>Encoding.UTF8.GetBytes(constant field)</c>): <c>Encoding.UTF8.GetBytes(value)</c>.</summary>
        Utf8Bytes,

        /// <summary>Raw bytes (<c>new byte[] { 1, 2 }</c>, <c>[1, 2]</c>, <c>Convert.FromBase64String(constant field)</c>): <c>Convert.FromBase64String(value)</c>.</summary>
        Base64Bytes,

        /// <summary>Bytes of a hex constant field (<c>Convert.FromHexString(constant field)</c>): <c>Convert.FromHexString(value)</c>.</summary>
        HexBytes,
    }

    /// <summary>A place that takes a secret key, for messages and for the configuration key the fix reads.</summary>
    internal sealed class SecretSink
    {
        public SecretSink(string display, string configurationKey)
        {
            Display = display;
            ConfigurationKey = configurationKey;
        }

        /// <summary>"the key of 'SymmetricSecurityKey'", "'Aes.Key'".</summary>
        public string Display { get; }

        /// <summary>"Jwt:SigningKey", "Signing:Key", "Encryption:Key".</summary>
        public string ConfigurationKey { get; }
    }

    /// <summary>A hard-coded secret: the operation to report and replace, and how it is written.</summary>
    internal sealed class SecretLiteral
    {
        public SecretLiteral(IOperation operation, SecretForm form, string description, bool viaField)
        {
            Operation = operation;
            Form = form;
            Description = description;
            ViaField = viaField;
        }

        /// <summary>The literal, or the reference when the secret sits in a constant (field or local) or
        /// a static readonly field: reported where it is used, so the diagnostic stays in the file
        /// analyzed and the fix can replace the use (a constant cannot read configuration).</summary>
        public IOperation Operation { get; }

        public SecretForm Form { get; }

        /// <summary>"This string literal", "Constant 'JwtSecret'".</summary>
        public string Description { get; }

        /// <summary>The secret is declared elsewhere (a constant or a static readonly field) and
        /// <see cref="Operation"/> is the reference to it.</summary>
        public bool ViaField { get; }

        /// <summary>The constant or field the secret is declared in, when <see cref="ViaField"/>.</summary>
        public ISymbol? Declaration => Operation switch
        {
            IFieldReferenceOperation reference => reference.Field,
            ILocalReferenceOperation reference => reference.Local,
            _ => null,
        };
    }

    /// <summary>
    /// Secret sinks (<c>SymmetricSecurityKey</c>, the <c>HMAC*</c> family, <c>SymmetricAlgorithm.Key</c>,
    /// <c>AesGcm</c>/<c>AesCcm</c>/<c>ChaCha20Poly1305</c>) and the literals that reach them, resolved by
    /// metadata name once per compilation, without EF Core.
    /// </summary>
    internal sealed class SecretLiterals
    {
        private const int MaxDepth = 4;

        private SecretLiterals(MetadataTypes lookups)
        {
            Lookups = lookups;
            SymmetricSecurityKey = lookups.Find("Microsoft.IdentityModel.Tokens.SymmetricSecurityKey", "Microsoft.IdentityModel.Tokens");
            Hmac = lookups.Find("System.Security.Cryptography.HMAC", "System.Security.Cryptography");
            KeyedHashAlgorithm = lookups.Find("System.Security.Cryptography.KeyedHashAlgorithm", "System.Security.Cryptography");
            SymmetricAlgorithm = lookups.Find("System.Security.Cryptography.SymmetricAlgorithm", "System.Security.Cryptography");
            AesGcm = lookups.Find("System.Security.Cryptography.AesGcm", "System.Security.Cryptography");
            AesCcm = lookups.Find("System.Security.Cryptography.AesCcm", "System.Security.Cryptography");
            ChaCha20Poly1305 = lookups.Find("System.Security.Cryptography.ChaCha20Poly1305", "System.Security.Cryptography");
            Encoding = lookups.Find("System.Text.Encoding", MetadataTypes.CoreLibrary);
            Convert = lookups.Find("System.Convert", MetadataTypes.CoreLibrary);
            Configuration = lookups.Find("Microsoft.Extensions.Configuration.IConfiguration", "Microsoft.Extensions.Configuration.Abstractions");
        }

        public INamedTypeSymbol? SymmetricSecurityKey { get; }
        public INamedTypeSymbol? Hmac { get; }
        public INamedTypeSymbol? KeyedHashAlgorithm { get; }
        public INamedTypeSymbol? SymmetricAlgorithm { get; }
        public INamedTypeSymbol? AesGcm { get; }
        public INamedTypeSymbol? AesCcm { get; }
        public INamedTypeSymbol? ChaCha20Poly1305 { get; }
        public INamedTypeSymbol? Encoding { get; }
        public INamedTypeSymbol? Convert { get; }
        public INamedTypeSymbol? Configuration { get; }

        /// <summary>
        /// Returns <c>null</c> outside apps: the rule runs where ASP.NET Core
        /// (<c>Microsoft.AspNetCore.Http.HttpContext</c>), <c>Microsoft.Extensions.Configuration</c>
        /// or <c>Microsoft.IdentityModel.Tokens</c> is referenced — an app, a worker, or the library
        /// that issues its tokens — and not in a bare .NET library.
        /// </summary>
        public static SecretLiterals? Create(Compilation compilation)
        {
            var lookups = new MetadataTypes(compilation);
            var secrets = new SecretLiterals(lookups);
            var app = lookups.Find("Microsoft.AspNetCore.Http.HttpContext", "Microsoft.AspNetCore.Http.Abstractions") != null
                      || secrets.Configuration != null
                      || secrets.SymmetricSecurityKey != null;
            return app && (secrets.SymmetricSecurityKey != null || secrets.Hmac != null || secrets.SymmetricAlgorithm != null) ? secrets : null;
        }

        /// <summary>The sink an object creation's argument feeds: the key parameter of a key type's constructor.</summary>
        public SecretSink? ConstructorSink(IObjectCreationOperation creation, IArgumentOperation argument)
        {
            var type = creation.Constructor?.ContainingType;
            var parameter = argument.Parameter;
            if (type is null || parameter is null || !IsKeyParameter(parameter))
            {
                return null;
            }

            if (type.InheritsFromOrEquals(SymmetricSecurityKey))
            {
                return new SecretSink("the key of '" + type.Name + "'", "Jwt:SigningKey");
            }

            if (type.InheritsFromOrEquals(Hmac))
            {
                return new SecretSink("the key of '" + type.Name + "'", "Signing:Key");
            }

            if (type.IsType(AesGcm) || type.IsType(AesCcm) || type.IsType(ChaCha20Poly1305))
            {
                return new SecretSink("the key of '" + type.Name + "'", "Encryption:Key");
            }

            return null;
        }

        /// <summary>The sink an invocation's argument feeds: <c>HMACSHA256.HashData(key, ...)</c>,
        /// <c>aes.CreateEncryptor(rgbKey, rgbIV)</c>.</summary>
        public SecretSink? InvocationSink(IInvocationOperation invocation, IArgumentOperation argument)
        {
            var method = invocation.TargetMethod;
            var parameter = argument.Parameter;
            if (parameter is null || !IsKeyParameter(parameter))
            {
                return null;
            }

            if (method.IsStatic && method.ContainingType.InheritsFromOrEquals(Hmac))
            {
                return new SecretSink("the key of '" + method.ContainingType.Name + "." + method.Name + "'", "Signing:Key");
            }

            if (!method.IsStatic && method.Name is "CreateEncryptor" or "CreateDecryptor" && method.ContainingType.InheritsFromOrEquals(SymmetricAlgorithm))
            {
                return new SecretSink("the key of '" + method.Name + "'", "Encryption:Key");
            }

            return null;
        }

        /// <summary>The sink a property assignment feeds: <c>aes.Key = ...</c>, <c>hmac.Key = ...</c>.</summary>
        public SecretSink? PropertySink(IPropertyReferenceOperation target)
        {
            var property = target.Property;
            if (property.Name != "Key")
            {
                return null;
            }

            var receiverType = target.Instance?.Type ?? property.ContainingType;
            if (property.ContainingType.InheritsFromOrEquals(SymmetricAlgorithm))
            {
                return new SecretSink("'" + receiverType.Name + ".Key'", "Encryption:Key");
            }

            if (property.ContainingType.InheritsFromOrEquals(KeyedHashAlgorithm))
            {
                return new SecretSink("'" + receiverType.Name + ".Key'", "Signing:Key");
            }

            return null;
        }

        /// <summary>
        /// The hard-coded secret a sink's value is made of, or <c>null</c> when it comes from anywhere
        /// else (configuration, environment, a random generator, a parameter). Recognized: string
        /// constants (literals, <c>const</c> locals and fields, constant concatenations); UTF-8
        /// literals, with <c>.ToArray()</c>; <c>Encoding.*.GetBytes(constant)</c>;
        /// <c>Convert.FromBase64String(constant)</c>/<c>FromHexString(constant)</c>; byte arrays and
        /// collection expressions of constants; locals initialized with any of these; static readonly
        /// fields initialized with any of these in the same file.
        /// </summary>
        public SecretLiteral? Find(IOperation? value) => Find(value, 0, null);

        private SecretLiteral? Find(IOperation? value, int depth, IFieldReferenceOperation? viaField)
        {
            if (value is null || depth > MaxDepth)
            {
                return null;
            }

            var operation = DataAccessModel.Unwrap(value);
            if (operation.ConstantValue is { HasValue: true, Value: string })
            {
                return operation switch
                {
                    IFieldReferenceOperation field => new SecretLiteral(viaField ?? field, SecretForm.Text, "Constant '" + field.Field.Name + "'", true),
                    ILocalReferenceOperation local => new SecretLiteral(viaField ?? (IOperation)local, SecretForm.Text, "Constant '" + local.Local.Name + "'", true),
                    _ => viaField != null
                        ? new SecretLiteral(viaField, SecretForm.Text, "Field '" + viaField.Field.Name + "'", true)
                        : new SecretLiteral(operation, SecretForm.Text, "This string literal", false),
                };
            }

            switch (operation)
            {
                case IUtf8StringOperation:
                    return viaField != null
                        ? new SecretLiteral(viaField, SecretForm.Utf8Bytes, "Field '" + viaField.Field.Name + "'", true)
                        : new SecretLiteral(operation, SecretForm.Utf8Bytes, "This UTF-8 literal", false);

                case IInvocationOperation invocation:
                    return FromInvocation(invocation, depth, viaField);

                case IArrayCreationOperation array when IsConstantBytes(array):
                case ICollectionExpressionOperation collection when IsConstantBytes(collection):
                    return viaField != null
                        ? new SecretLiteral(viaField, SecretForm.Base64Bytes, "Field '" + viaField.Field.Name + "'", true)
                        : new SecretLiteral(operation, SecretForm.Base64Bytes, "This byte-array literal", false);

                case ILocalReferenceOperation local when viaField is null && !local.Local.IsConst:
                    return IsReassigned(local) ? null : Find(DataAccessModel.GetLocalInitializer(local), depth + 1, null);

                case IFieldReferenceOperation field when viaField is null && field.Field.IsStatic && field.Field.IsReadOnly:
                    return Find(FieldInitializer(field), depth + 1, field);

                default:
                    return null;
            }
        }

        private SecretLiteral? FromInvocation(IInvocationOperation invocation, int depth, IFieldReferenceOperation? viaField)
        {
            var method = invocation.TargetMethod;
            if (method.Name == "GetBytes" && !method.IsStatic && method.ContainingType.InheritsFromOrEquals(Encoding)
                && invocation.Arguments.Length == 1 && invocation.Arguments[0].Value.Type?.SpecialType == SpecialType.System_String)
            {
                var inner = Find(invocation.Arguments[0].Value, depth + 1, viaField);
                if (inner is null)
                {
                    return null;
                }

                // Through a field the whole GetBytes(...) is the field's value: bytes of a text.
                return inner.ViaField && inner.Form == SecretForm.Text && viaField != null
                    ? new SecretLiteral(inner.Operation, SecretForm.Utf8Bytes, inner.Description, true)
                    : inner;
            }

            if (method.IsStatic && method.Name is "FromBase64String" or "FromHexString" && method.ContainingType.IsType(Convert)
                && invocation.Arguments.Length == 1)
            {
                var inner = Find(invocation.Arguments[0].Value, depth + 1, viaField);
                if (inner is null)
                {
                    return null;
                }

                return inner.ViaField && viaField != null
                    ? new SecretLiteral(inner.Operation, method.Name == "FromBase64String" ? SecretForm.Base64Bytes : SecretForm.HexBytes, inner.Description, true)
                    : inner;
            }

            if (method.Name == "ToArray" && invocation.Arguments.Length == 0 && invocation.Instance is { } instance
                && DataAccessModel.Unwrap(instance) is IUtf8StringOperation)
            {
                return viaField != null
                    ? new SecretLiteral(viaField, SecretForm.Utf8Bytes, "Field '" + viaField.Field.Name + "'", true)
                    : new SecretLiteral(invocation, SecretForm.Utf8Bytes, "This UTF-8 literal", false);
            }

            return null;
        }

        /// <summary>
        /// Whether the called method or constructor has a key parameter at all: every call of the
        /// compilation asks. The parameters are read through the call's arguments (every parameter
        /// has one, a defaulted one too): asking a method for its parameters builds the list anew.
        /// </summary>
        public static bool TakesKey(IOperation call)
        {
            var arguments = call.Kind switch
            {
                OperationKind.Invocation => ((IInvocationOperation)call).Arguments,
                OperationKind.ObjectCreation => ((IObjectCreationOperation)call).Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };

            foreach (var argument in arguments)
            {
                if (argument.Parameter is { } parameter && IsKeyParameter(parameter))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A parameter that takes a key: <c>key</c>, <c>rgbKey</c>, <c>keyBytes</c>...</summary>
        private static bool IsKeyParameter(IParameterSymbol parameter)
        {
            var name = parameter.Name;
            return name == "key" || name == "rgbKey" || name == "keyBytes";
        }

        private static bool IsConstantBytes(IArrayCreationOperation array)
        {
            if (array.Type is not IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte } || array.Initializer is null
                || array.Initializer.ElementValues.Length == 0)
            {
                return false;
            }

            foreach (var element in array.Initializer.ElementValues)
            {
                if (!element.ConstantValue.HasValue)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsConstantBytes(ICollectionExpressionOperation collection)
        {
            if (collection.Elements.Length == 0 || !IsByteSequence(collection.Type))
            {
                return false;
            }

            foreach (var element in collection.Elements)
            {
                if (!element.ConstantValue.HasValue)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsByteSequence(ITypeSymbol? type)
            => type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte }
               || (type is INamedTypeSymbol { TypeArguments.Length: 1 } named && named.TypeArguments[0].SpecialType == SpecialType.System_Byte);

        /// <summary>A local assigned again after its declaration is not known to hold its initializer.</summary>
        private static bool IsReassigned(ILocalReferenceOperation local)
        {
            foreach (var operation in OperationTrees.Descendants(OperationTrees.Root(local)))
            {
                if (operation is IAssignmentOperation { Target: ILocalReferenceOperation target }
                    && SymbolEqualityComparer.Default.Equals(target.Local, local.Local))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The initializer of a static readonly field declared in the same file.</summary>
        private static IOperation? FieldInitializer(IFieldReferenceOperation field)
        {
            var references = field.Field.DeclaringSyntaxReferences;
            if (references.Length != 1 || field.SemanticModel is null)
            {
                return null;
            }

            var declarator = references[0].GetSyntax() as VariableDeclaratorSyntax;
            var value = declarator?.Initializer?.Value;
            if (value is null || value.SyntaxTree != field.Syntax.SyntaxTree)
            {
                return null;
            }

            return field.SemanticModel.GetOperation(value);
        }

        /// <summary>Where the types are looked up: their home assembly first.</summary>
        public MetadataTypes Lookups { get; }

        /// <summary>Every argument of a creation or invocation, for callers that pair them with sinks.</summary>
        public static IEnumerable<IArgumentOperation> Arguments(IOperation operation) => operation switch
        {
            IObjectCreationOperation creation => creation.Arguments,
            IInvocationOperation invocation => invocation.Arguments,
            _ => System.Linq.Enumerable.Empty<IArgumentOperation>(),
        };
    }
}
