using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// Connections held for as long as a lease or a turn lasts: the bounce receiver's advisory lock, a
/// tenant's report turn (held across the report's HTTP calls). They come from a pool of their own,
/// with Npgsql's default size: the main pool is small (<see cref="DatabaseSettings.LimitPool"/>), and
/// a few tenants whose endpoints never answer must not hold all of it.
/// </summary>
public sealed class LeaseConnections(NpgsqlDataSource source) : IAsyncDisposable
{
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => source.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => source.DisposeAsync();
}
