using Npgsql;

namespace AsyncPatterns.Analyzers.Tests.Runtime;

[Collection(PostgresCollection.Name)]
public class PostgresServerTests(PostgresServer server)
{
    [PostgresFact]
    public async Task Server_AnswersOnLoopbackOnly()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('listen_addresses'), version()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("127.0.0.1", reader.GetString(0));
        Assert.StartsWith("PostgreSQL", reader.GetString(1));
    }
}
