using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// Connections held for as long as a lease or a turn lasts: the bounce receiver's advisory lock, a
/// tenant's report turn (held across the report's HTTP calls). They come from a pool of their own,
/// sized by the connection string alone: the main pool is small (<see cref="DatabaseSettings.LimitPool"/>),
/// and a few tenants whose endpoints never answer must not hold all of it.
/// </summary>
public sealed class LeaseConnections : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;

    private LeaseConnections(NpgsqlDataSource source) => _source = source;

    public static LeaseConnections Create(string connectionString, ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "maildb-leases" }.UseLoggerFactory(loggerFactory);
        DatabaseSettings.Apply(builder.ConnectionStringBuilder);
        return new LeaseConnections(builder.Build());
    }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _source.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
