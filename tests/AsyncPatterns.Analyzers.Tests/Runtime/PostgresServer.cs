using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AsyncPatterns.Analyzers.Tests.Runtime;

/// <summary>
/// A private PostgreSQL server for the runtime tests: Debian's server programs, a fresh data
/// directory under the temp folder, a free port on loopback only, stopped and deleted at the end.
/// The server refuses to run as root, so as root it runs as the 'postgres' user the package creates.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dataDirectory;
    private string? _binDirectory;

    private string? _connectionString;
    private string? _unavailableReason;

    /// <summary>The server's connection string; throws with the reason when the server could not be started.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException(
        _unavailableReason ?? "The PostgreSQL server has not been started.");

    public int Port { get; private set; }

    /// <summary>Where Debian's package puts the server programs (off the PATH), newest version first.</summary>
    public static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    public async Task InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        if (_binDirectory is null)
        {
            // Not thrown here: a fixture failure would hide the skip reason outside CI. Every test
            // that reads ConnectionString fails with this message instead (under CI it is not skipped).
            _unavailableReason = "PostgreSQL's server programs were not found under /usr/lib/postgresql/*/bin. " +
                                 "Install Debian's 'postgresql' package (./build.sh test does it) to run the runtime tests.";
            return;
        }

        _dataDirectory = Path.Combine(Path.GetTempPath(), "ap-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dataDirectory);
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync("chown", $"postgres {_dataDirectory}", asUser: null);
        }

        Port = FreeLoopbackPort();
        await RunAsync(Path.Combine(_binDirectory, "initdb"),
            $"-D {_dataDirectory} -U postgres --auth=trust -E UTF8 --no-sync --no-instructions", asPostgres ? "postgres" : null);

        // Loopback only, the socket in the private directory, durability off: these are throwaway data.
        var serverOptions = $"-p {Port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"),
            $"-D {_dataDirectory} -l {_dataDirectory}/server.log -o \"{serverOptions}\" -w -t 60 start", asPostgres ? "postgres" : null);

        _connectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=100;Timeout=30";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), $"-D {_dataDirectory} -m immediate -w stop",
                Environment.UserName == "root" ? "postgres" : null);
        }
        finally
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing a test run for.
            }
        }
    }

    /// <summary>A new empty database on the server, for one test class.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = prefix.ToLowerInvariant() + "_" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task RunAsync(string program, string arguments, string? asUser)
    {
        var start = asUser is null
            ? new ProcessStartInfo(program, arguments)
            : new ProcessStartInfo("runuser", $"-u {asUser} -- {program} {arguments}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{program} {arguments}' exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}

/// <summary>
/// A test that needs the PostgreSQL server. Without the server programs it is reported as skipped
/// with the reason, except under CI (CI=true), where it runs and fails with a clear message: a CI
/// run must never pass silently without the database.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.FindBinDirectory() is null
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "PostgreSQL's server programs are not installed (Debian package 'postgresql'); ./build.sh test installs them.";
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
