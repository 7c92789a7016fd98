using Npgsql;

namespace MailStack.Tests.Proxy.Hosting;

/// <summary>
/// An empty database of its own on the stack's PostgreSQL server, for a proxy instance that must
/// not share its queue with the stack's proxy; dropped on disposal.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;
    private readonly string _name;

    private ScratchDatabase(string serverConnectionString, string name, string connectionString)
    {
        _serverConnectionString = serverConnectionString;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(StackFixture stack, CancellationToken cancellationToken)
    {
        var maildb = await stack.App.GetConnectionStringAsync("maildb", cancellationToken)
            ?? throw new InvalidOperationException("maildb has no connection string");
        var name = $"scratch_{Guid.NewGuid():N}";
        await ExecuteAsync(maildb, $"CREATE DATABASE {name}", cancellationToken);
        var own = new NpgsqlConnectionStringBuilder(maildb) { Database = name };
        return new ScratchDatabase(maildb, name, own.ConnectionString);
    }

    public async ValueTask DisposeAsync() =>
        await ExecuteAsync(_serverConnectionString, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", CancellationToken.None);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
