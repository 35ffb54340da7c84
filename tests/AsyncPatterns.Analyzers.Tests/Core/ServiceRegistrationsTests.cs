using AsyncPatterns.Analyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AsyncPatterns.Analyzers.Tests.Core;

public class ServiceRegistrationsTests
{
    private const string Prelude = """
        using System;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;
        using Microsoft.Extensions.Hosting;
        using System.Threading;
        using System.Threading.Tasks;

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
        }

        public interface IShopContext { }
        public class ShopContext2 : DbContext, IShopContext { }
        public class Worker : BackgroundService
        {
            protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
        }

        public static class Registrations
        {
            public static void Configure(IServiceCollection services, ShopContext ctx, Type someType, ServiceLifetime someLifetime)
            {
                REGISTRATION;
            }
        }
        """;

    [Theory]
    [InlineData("services.AddSingleton<ShopContext>()", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.AddScoped<IShopContext, ShopContext2>()", "Scoped", "IShopContext", "ShopContext2")]
    [InlineData("services.AddTransient(typeof(ShopContext))", "Transient", "ShopContext", "ShopContext")]
    [InlineData("services.AddSingleton(typeof(IShopContext), typeof(ShopContext2))", "Singleton", "IShopContext", "ShopContext2")]
    [InlineData("services.AddSingleton<ShopContext>(sp => new ShopContext(new DbContextOptions<ShopContext>()))", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.AddSingleton(typeof(object), sp => new ShopContext2())", "Singleton", "Object", "ShopContext2")]
    [InlineData("services.AddSingleton(new ShopContext2())", "Singleton", "ShopContext2", "ShopContext2")]
    [InlineData("services.AddSingleton(ctx)", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.AddSingleton(typeof(IShopContext), (object)new ShopContext2())", "Singleton", "IShopContext", "ShopContext2")]
    [InlineData("services.TryAddSingleton<ShopContext>()", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.TryAddScoped<IShopContext, ShopContext2>()", "Scoped", "IShopContext", "ShopContext2")]
    [InlineData("services.AddKeyedSingleton<ShopContext>(\"main\")", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.TryAddKeyedTransient<IShopContext, ShopContext2>(\"k\")", "Transient", "IShopContext", "ShopContext2")]
    [InlineData("services.AddHostedService<Worker>()", "Singleton", "IHostedService", "Worker")]
    [InlineData("services.AddSingleton<IHostedService, Worker>()", "Singleton", "IHostedService", "Worker")]
    [InlineData("services.AddDbContext<ShopContext>()", "Scoped", "ShopContext", "ShopContext")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, ServiceLifetime.Singleton)", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, contextLifetime: ServiceLifetime.Transient)", "Transient", "ShopContext", "ShopContext")]
    [InlineData("services.AddDbContext<ShopContext>(o => { }, optionsLifetime: ServiceLifetime.Singleton)", "Scoped", "ShopContext", "ShopContext")]
    [InlineData("services.AddDbContext<IShopContext, ShopContext2>(o => { }, ServiceLifetime.Singleton)", "Singleton", "IShopContext", "ShopContext2")]
    [InlineData("services.AddDbContextPool<ShopContext>(o => { })", "Scoped", "ShopContext", "ShopContext")]
    [InlineData("services.AddDbContextFactory<ShopContext>()", "Singleton", "IDbContextFactory", "ShopContext")]
    [InlineData("services.AddPooledDbContextFactory<ShopContext>(o => { })", "Singleton", "IDbContextFactory", "ShopContext")]
    [InlineData("ServiceDescriptor.Singleton<ShopContext, ShopContext>()", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("ServiceDescriptor.Scoped(typeof(IShopContext), typeof(ShopContext2))", "Scoped", "IShopContext", "ShopContext2")]
    [InlineData("ServiceDescriptor.Describe(typeof(ShopContext), typeof(ShopContext), ServiceLifetime.Transient)", "Transient", "ShopContext", "ShopContext")]
    [InlineData("ServiceDescriptor.KeyedSingleton<ShopContext, ShopContext>(\"k\")", "Singleton", "ShopContext", "ShopContext")]
    public void RecognizesInvocation(string registration, string lifetime, string service, string implementation)
    {
        var result = Recognize(registration);

        Assert.NotNull(result);
        Assert.Equal(lifetime, result!.Lifetime.ToString());
        Assert.Equal(service, result.ServiceType?.Name);
        Assert.Equal(implementation, result.ImplementationType?.Name);
    }

    [Theory]
    [InlineData("services.Add(new ServiceDescriptor(typeof(ShopContext), typeof(ShopContext), ServiceLifetime.Singleton))", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.TryAdd(new ServiceDescriptor(typeof(IShopContext), sp => new ShopContext2(), ServiceLifetime.Scoped))", "Scoped", "IShopContext", "ShopContext2")]
    [InlineData("services.Add(new ServiceDescriptor(typeof(ShopContext), ctx))", "Singleton", "ShopContext", "ShopContext")]
    [InlineData("services.Add(new ServiceDescriptor(typeof(ShopContext), typeof(ShopContext), someLifetime))", "Unknown", "ShopContext", "ShopContext")]
    [InlineData("services.Add(new ServiceDescriptor(typeof(ShopContext), \"key\", typeof(ShopContext), ServiceLifetime.Singleton))", "Singleton", "ShopContext", "ShopContext")]
    public void RecognizesDescriptorCreation(string registration, string lifetime, string service, string implementation)
    {
        var result = Recognize(registration);

        Assert.NotNull(result);
        Assert.Equal(RegistrationKind.Descriptor, result!.Kind);
        Assert.IsAssignableFrom<IObjectCreationOperation>(result.Operation);
        Assert.Equal(lifetime, result!.Lifetime.ToString());
        Assert.Equal(service, result.ServiceType?.Name);
        Assert.Equal(implementation, result.ImplementationType?.Name);
    }

    [Theory]
    [InlineData("services.Add(ServiceDescriptor.Singleton<ShopContext, ShopContext>())")]
    [InlineData("services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Worker>())")]
    public void DescriptorIsTheRegistration_NotTheAddCall(string registration)
    {
        var (compilation, _) = Compile(registration);
        var operations = AllOperations(compilation).ToList();
        var recognized = operations.Select(o => TryRecognize(compilation, o)).Where(r => r is not null).ToList();

        var single = Assert.Single(recognized);
        Assert.Contains("ServiceDescriptor.Singleton", single!.Operation.Syntax.ToString());
    }

    [Fact]
    public void LifetimeArgument_IsTheExplicitContextLifetime()
    {
        var positional = Recognize("services.AddDbContext<ShopContext>(o => { }, ServiceLifetime.Singleton)");
        var named = Recognize("services.AddDbContext<ShopContext>(optionsLifetime: ServiceLifetime.Scoped, contextLifetime: ServiceLifetime.Singleton)");
        var optionsOnly = Recognize("services.AddDbContext<ShopContext>(o => { }, optionsLifetime: ServiceLifetime.Singleton)");
        var byName = Recognize("services.AddSingleton<ShopContext>()");

        Assert.Equal("ServiceLifetime.Singleton", positional!.LifetimeArgument?.Syntax.ToString());
        Assert.Equal("contextLifetime", named!.LifetimeArgument?.Parameter?.Name);
        Assert.Equal(RegistrationLifetime.Singleton, named.Lifetime);
        Assert.Null(optionsOnly!.LifetimeArgument);
        Assert.Null(byName!.LifetimeArgument);
    }

    [Fact]
    public void HostedService_IsFlagged()
    {
        Assert.True(Recognize("services.AddHostedService<Worker>()")!.IsHostedService);
        Assert.True(Recognize("services.AddSingleton<IHostedService, Worker>()")!.IsHostedService);
        Assert.False(Recognize("services.AddSingleton<ShopContext>()")!.IsHostedService);
    }

    [Fact]
    public void FactoryAndInstanceAreExposed()
    {
        Assert.NotNull(Recognize("services.AddSingleton<ShopContext>(sp => new ShopContext(new DbContextOptions<ShopContext>()))")!.ImplementationFactory);
        Assert.NotNull(Recognize("services.AddSingleton(ctx)")!.ImplementationInstance);
        Assert.True(Recognize("services.AddKeyedSingleton<ShopContext>(\"main\")")!.IsKeyed);
    }

    [Fact]
    public void NameLocation_IsTheMethodName()
    {
        var result = Recognize("services.AddSingleton<ShopContext>()");
        var location = result!.GetNameLocation();

        Assert.Equal("AddSingleton", location.SourceTree!.GetText().ToString(location.SourceSpan));
    }

    [Theory]
    [InlineData("services.AddSingleton(someType)", "Singleton")]
    public void UnknownTypes_AreNull(string registration, string lifetime)
    {
        var result = Recognize(registration);

        Assert.Equal(lifetime, result!.Lifetime.ToString());
        Assert.Null(result.ServiceType);
    }

    [Theory]
    [InlineData("services.AddOptions()")]
    [InlineData("services.BuildServiceProvider()")]
    [InlineData("services.Clear()")]
    [InlineData("services.AddLogging()")]
    public void NotRegistrations(string code)
    {
        Assert.Null(Recognize(code));
    }

    [Fact]
    public void HalfTypedCode_DoesNotThrow()
    {
        var (compilation, _) = Compile("services.AddSingleton<Missing>(); services.AddSingleton(typeof(), ); new ServiceDescriptor(");
        foreach (var operation in AllOperations(compilation))
        {
            TryRecognize(compilation, operation);
        }
    }

    private static ServiceRegistration? Recognize(string registration)
    {
        var (compilation, _) = Compile(registration);
        var recognized = AllOperations(compilation).Select(o => TryRecognize(compilation, o)).Where(r => r is not null).ToList();
        return recognized.Count == 0 ? null : Assert.Single(recognized);
    }

    private static ServiceRegistration? TryRecognize(Compilation compilation, IOperation operation)
    {
        var registrations = new ServiceRegistrations(KnownTypes.Create(compilation)!);
        return registrations.TryGetRegistration(operation, out var registration) ? registration : null;
    }

    private static IEnumerable<IOperation> AllOperations(Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var body = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "Configure");
        var operation = model.GetOperation(body)!;
        return operation.DescendantsAndSelf().Where(o => o is IInvocationOperation or IObjectCreationOperation);
    }

    private static (Compilation Compilation, SyntaxTree Tree) Compile(string registration)
    {
        var source = Prelude.Replace("REGISTRATION", registration);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Registrations",
            new[] { tree },
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return (compilation, tree);
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "user-code-references.txt"))
            .Where(line => line.Length > 0)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());
}
