using AsyncPatterns.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using VerifyCS = AsyncPatterns.Analyzers.Tests.Verification.CSharpCodeFixVerifier<
    AsyncPatterns.Analyzers.Sessions.AP5003HardCodedSecretKeyAnalyzer,
    AsyncPatterns.CodeFixes.Sessions.AP5003HardCodedSecretKeyCodeFix>;

namespace AsyncPatterns.Analyzers.Tests.Sessions;

public sealed class AP5003HardCodedSecretKeyTests
{
    private const string Usings = """
        using System;
        using System.Security.Cryptography;
        using System.Text;
        using Microsoft.Extensions.Configuration;
        using Microsoft.IdentityModel.Tokens;

        """;

    [Fact]
    public async Task Diagnostic_SymmetricSecurityKey_Utf8GetBytesLiteral_FixReadsInjectedConfiguration()
    {
        var source = Usings + """
            public class TokenService(IConfiguration configuration)
            {
                public SigningCredentials Credentials()
                {
                    var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes({|#0:"a-very-long-development-signing-key-0123456789"|}));
                    return new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
                }
            }
            """;
        var fixedSource = Usings + """
            public class TokenService(IConfiguration configuration)
            {
                public SigningCredentials Credentials()
                {
                    var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configuration["Jwt:SigningKey"] ?? throw new InvalidOperationException("Configuration value 'Jwt:SigningKey' is missing.")));
                    return new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "This string literal is a hard-coded secret used as the key of 'SymmetricSecurityKey'; read it from configuration or a secret store"),
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_HmacConstructor_ByteArrayLiteral_FixUsesBase64()
    {
        var source = Usings + """
            public class Signer
            {
                private readonly IConfiguration _configuration;

                public Signer(IConfiguration configuration) => _configuration = configuration;

                public byte[] Sign(byte[] data)
                {
                    using var hmac = new HMACSHA256({|#0:new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }|});
                    return hmac.ComputeHash(data);
                }
            }
            """;
        var fixedSource = Usings + """
            public class Signer
            {
                private readonly IConfiguration _configuration;

                public Signer(IConfiguration configuration) => _configuration = configuration;

                public byte[] Sign(byte[] data)
                {
                    using var hmac = new HMACSHA256(Convert.FromBase64String(_configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing.")));
                    return hmac.ComputeHash(data);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "This byte-array literal is a hard-coded secret used as the key of 'HMACSHA256'; read it from configuration or a secret store"),
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_HmacFamily_HashData_And_KeyProperty()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Hashes
            {
                public static byte[] A(byte[] data) => HMACSHA512.HashData([|"k1"u8|], data);
                public static byte[] B(byte[] data) => new HMACSHA1([|"k2"u8.ToArray()|]).ComputeHash(data);
                public static byte[] C(byte[] data) => new HMACSHA384 { Key = [|[9, 8, 7, 6]|] }.ComputeHash(data);
                public static byte[] D(byte[] data) => HMACSHA256.HashData(Convert.FromBase64String([|"c2VjcmV0"|]), data);
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_AesKey_AfterCreate_And_AesGcm()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class Crypto
            {
                public static Aes Create()
                {
                    var aes = Aes.Create();
                    aes.Key = Convert.FromHexString([|"00112233445566778899AABBCCDDEEFF"|]);
                    return aes;
                }

                public static AesGcm Gcm() => new AesGcm(Encoding.ASCII.GetBytes([|"0123456789abcdef"|]), 16);

                public static ICryptoTransform Encryptor(Aes aes) => aes.CreateEncryptor(Encoding.UTF8.GetBytes([|"0123456789abcdef"|]), new byte[16]);
            }
            """);
    }

    [Fact]
    public async Task Diagnostic_JwtBearer_IssuerSigningKey_InTopLevelStatements_FixUsesBuilderConfiguration()
    {
        var source = """
            using System.Text;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.IdentityModel.Tokens;

            var builder = WebApplication.CreateBuilder(args);
            var parameters = new TokenValidationParameters
            {
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes([|"dev-signing-key-please-change-0123456789"|])),
            };
            builder.Build().Run();
            """;
        var fixedSource = """
            using System;
            using System.Text;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.IdentityModel.Tokens;

            var builder = WebApplication.CreateBuilder(args);
            var parameters = new TokenValidationParameters
            {
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(builder.Configuration["Jwt:SigningKey"] ?? throw new InvalidOperationException("Configuration value 'Jwt:SigningKey' is missing."))),
            };
            builder.Build().Run();
            """;
        await new CSharpCodeFixTest<AsyncPatterns.Analyzers.Sessions.AP5003HardCodedSecretKeyAnalyzer, AsyncPatterns.CodeFixes.Sessions.AP5003HardCodedSecretKeyCodeFix>
        {
            TestCode = source,
            FixedCode = fixedSource,
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_ConstField_ReportedAtUse_FixRemovesUnusedConstant()
    {
        var source = Usings + """
            public class TokenService
            {
                // Shared with the mobile team.
                private const string JwtSecret = "0123456789abcdef0123456789abcdef";

                private readonly IConfiguration _configuration;

                public TokenService(IConfiguration configuration) => _configuration = configuration;

                public SymmetricSecurityKey Key() => new SymmetricSecurityKey(Encoding.UTF8.GetBytes({|#0:JwtSecret|}));
            }
            """;
        var fixedSource = Usings + """
            public class TokenService
            {
                private readonly IConfiguration _configuration;

                public TokenService(IConfiguration configuration) => _configuration = configuration;

                public SymmetricSecurityKey Key() => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_configuration["Jwt:SigningKey"] ?? throw new InvalidOperationException("Configuration value 'Jwt:SigningKey' is missing.")));
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "Constant 'JwtSecret' is a hard-coded secret used as the key of 'SymmetricSecurityKey'; read it from configuration or a secret store"),
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_StaticReadonlyBytes_UsedTwice_FixAllRemovesField()
    {
        var source = Usings + """
            public class Signer(IConfiguration configuration)
            {
                private static readonly byte[] Key = Encoding.UTF8.GetBytes("signing-secret");

                public byte[] Sign(byte[] data) => HMACSHA256.HashData([|Key|], data);

                public bool Verify(byte[] data, byte[] mac) => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData([|Key|], data), mac);
            }
            """;
        var fixedSource = Usings + """
            public class Signer(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing.")), data);

                public bool Verify(byte[] data, byte[] mac) => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing.")), data), mac);
            }
            """;
        await new CSharpCodeFixTest<AsyncPatterns.Analyzers.Sessions.AP5003HardCodedSecretKeyAnalyzer, AsyncPatterns.CodeFixes.Sessions.AP5003HardCodedSecretKeyCodeFix>
        {
            TestCode = source,
            FixedCode = fixedSource,
        }.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_ConstLocal_FixRemovesIt()
    {
        var source = Usings + """
            public class Signer(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data)
                {
                    const string secret = "local-secret";
                    return HMACSHA256.HashData(Encoding.UTF8.GetBytes({|#0:secret|}), data);
                }
            }
            """;
        var fixedSource = Usings + """
            public class Signer(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data)
                {
                    return HMACSHA256.HashData(Encoding.UTF8.GetBytes(configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing.")), data);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(
            source,
            VerifyCS.Diagnostic().WithLocation(0).WithMessage(
                "Constant 'secret' is a hard-coded secret used as the key of 'HMACSHA256.HashData'; read it from configuration or a secret store"),
            fixedSource);
    }

    [Fact]
    public async Task Diagnostic_PublicConstant_FixKeepsIt()
    {
        var source = Usings + """
            public class Signer(IConfiguration configuration)
            {
                public const string Secret = "public-secret";

                public byte[] Sign(byte[] data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes([|Secret|]), data);
            }
            """;
        var fixedSource = Usings + """
            public class Signer(IConfiguration configuration)
            {
                public const string Secret = "public-secret";

                public byte[] Sign(byte[] data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing.")), data);
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_LocalInitializer_ReportedOnLiteral()
    {
        var source = Usings + """
            public class Signer(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data)
                {
                    var secret = Encoding.UTF8.GetBytes([|"local-secret"|]);
                    using var hmac = new HMACSHA256(secret);
                    return hmac.ComputeHash(data);
                }
            }
            """;
        var fixedSource = Usings + """
            public class Signer(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data)
                {
                    var secret = Encoding.UTF8.GetBytes(configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing."));
                    using var hmac = new HMACSHA256(secret);
                    return hmac.ComputeHash(data);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Diagnostic_NoConfigurationInScope_NoFix()
    {
        var source = Usings + """
            public static class Signer
            {
                private static readonly SymmetricSecurityKey Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes([|"static-secret-0123456789abcdef0123"|]));

                public static byte[] Sign(byte[] data) => HMACSHA256.HashData([|"k"u8|], data);
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task NoDiagnostic_KeysFromConfigurationEnvironmentAndRandom_FromDocs()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public class TokenService(IConfiguration configuration)
            {
                public SymmetricSecurityKey FromConfiguration()
                    => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configuration["Jwt:SigningKey"] ?? throw new InvalidOperationException("Configuration value 'Jwt:SigningKey' is missing.")));

                public byte[] FromEnvironment(byte[] data)
                    => HMACSHA256.HashData(Convert.FromBase64String(Environment.GetEnvironmentVariable("SIGNING_KEY")!), data);

                public Aes Random()
                {
                    var aes = Aes.Create();
                    aes.Key = RandomNumberGenerator.GetBytes(32);
                    aes.GenerateIV();
                    return aes;
                }

                public byte[] FromParameter(byte[] key, byte[] data) => new HMACSHA256(key).ComputeHash(data);
            }
            """);
    }

    [Fact]
    public async Task NoDiagnostic_LiteralsThatAreNotKeys()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + """
            public static class NotSecrets
            {
                public static byte[] Hash() => SHA256.HashData(Encoding.UTF8.GetBytes("not a key"));
                public static byte[] Data(byte[] key) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("the message"));
                public static string Algorithm() => SecurityAlgorithms.HmacSha256;
                public static void Iv(Aes aes) => aes.IV = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
                public static byte[] Reassigned(IConfiguration configuration, byte[] data)
                {
                    var key = Encoding.UTF8.GetBytes("placeholder");
                    key = Convert.FromBase64String(configuration["Signing:Key"]!);
                    return HMACSHA256.HashData(key, data);
                }
            }
            """);
    }

    [Fact]
    public async Task FixAll_SeveralSinks_AddsUsings()
    {
        var source = """
            using System.Security.Cryptography;
            using Microsoft.Extensions.Configuration;

            public class Crypto(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data) => HMACSHA256.HashData([|"k1"u8|], data);

                public Aes Encryption()
                {
                    var aes = Aes.Create();
                    aes.Key = [|new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }|];
                    return aes;
                }
            }
            """;
        var fixedSource = """
            using System;
            using System.Security.Cryptography;
            using System.Text;
            using Microsoft.Extensions.Configuration;

            public class Crypto(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing.")), data);

                public Aes Encryption()
                {
                    var aes = Aes.Create();
                    aes.Key = Convert.FromBase64String(configuration["Encryption:Key"] ?? throw new InvalidOperationException("Configuration value 'Encryption:Key' is missing."));
                    return aes;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Fix_GlobalUsings_AddsNoLocalCopy()
    {
        // SDK projects import System through implicit global usings.
        const string globalUsings = """
            global using System;
            global using System.Text;
            """;
        var test = new CSharpCodeFixTest<AsyncPatterns.Analyzers.Sessions.AP5003HardCodedSecretKeyAnalyzer, AsyncPatterns.CodeFixes.Sessions.AP5003HardCodedSecretKeyCodeFix>();
        test.TestState.Sources.Add("""
            using System.Security.Cryptography;
            using Microsoft.Extensions.Configuration;

            public class Signer(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data) => new HMACSHA256(Encoding.UTF8.GetBytes([|"k"|])).ComputeHash(data);
            }
            """);
        test.TestState.Sources.Add(globalUsings);
        test.FixedState.Sources.Add("""
            using System.Security.Cryptography;
            using Microsoft.Extensions.Configuration;

            public class Signer(IConfiguration configuration)
            {
                public byte[] Sign(byte[] data) => new HMACSHA256(Encoding.UTF8.GetBytes(configuration["Signing:Key"] ?? throw new InvalidOperationException("Configuration value 'Signing:Key' is missing."))).ComputeHash(data);
            }
            """);
        test.FixedState.Sources.Add(globalUsings);
        await test.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_BareDotNetLibrary()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Sessions.AP5003HardCodedSecretKeyAnalyzer>
        {
            TestCode = """
                using System.Security.Cryptography;
                using System.Text;

                public static class Signer
                {
                    public static byte[] Sign(byte[] data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes("k"), data);
                }
                """,
            References = ReferenceSet.NetOnly,
        }.RunAsync();
    }

    [Fact]
    public async Task Diagnostic_WithoutEfCore()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Sessions.AP5003HardCodedSecretKeyAnalyzer>
        {
            TestCode = """
                using System.Security.Cryptography;
                using System.Text;

                public static class Signer
                {
                    public static byte[] Sign(byte[] data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes([|"k"|]), data);
                }
                """,
            References = ReferenceSet.NetAndAspNetCore,
        }.RunAsync();
    }

    [Fact]
    public async Task NoDiagnostic_HalfTypedCode()
    {
        await new CSharpAnalyzerTest<AsyncPatterns.Analyzers.Sessions.AP5003HardCodedSecretKeyAnalyzer>
        {
            TestCode = Usings + """
                public static class Signer
                {
                    public static object A() => new HMACSHA256({|CS0103:missing|});
                    public static object B() => new {|CS0246:HMACSHA999|}(Encoding.UTF8.GetBytes("k"));
                    public static object C() => new SymmetricSecurityKey({|CS1503:"not bytes"|});
                }
                """,
        }.RunAsync();
    }
}
