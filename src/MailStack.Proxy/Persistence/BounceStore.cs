using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// One bounce receiver over all replicas: a session-level advisory lock on a connection of its
/// own, which also carries everything the receiver writes (<see cref="BounceReceiverLease"/>). A
/// replica that dies drops its connection, and with it the lock.
/// </summary>
public sealed class BounceStore(LeaseConnections leases)
{
    private const long ReceiverLockKey = 0x4D53426F756E6365; // "MSBounce"

    /// <returns>The lease, or null while another replica holds it.</returns>
    public async Task<BounceReceiverLease?> TryTakeReceiverLeaseAsync(CancellationToken cancellationToken)
    {
        var connection = await leases.OpenAsync(cancellationToken);
        try
        {
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            take.Parameters.AddWithValue(ReceiverLockKey);
            if (await take.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new BounceReceiverLease(connection, ReceiverLockKey);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }
}
