using MailStack.Proxy.Model;
using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>Which database the proxy is connected to (GET /status/database).</summary>
public sealed class DatabaseProbe(NpgsqlDataSource db)
{
    public async Task<DatabaseInfo> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT current_database(), current_setting('server_version')");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseInfo(reader.GetString(0), reader.GetString(1));
    }
}
