using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// What every connection of the proxy to its database is opened with, unless the connection string
/// sets it (a positive <c>Max Auto Prepare</c>; <c>random_page_cost</c> in <c>Options</c>). The
/// planner setting travels as a startup option, which a pooler in between must pass on (PgBouncer:
/// <c>ignore_startup_parameters</c> otherwise refuses the connection).
/// </summary>
public static class DatabaseSettings
{
    private const int NpgsqlDefaultMaxPoolSize = 100;

    public static void Apply(NpgsqlConnectionStringBuilder settings)
    {
        // The stores send the same few dozen statements over and over: prepared once per connection,
        // PostgreSQL stops parsing and planning each of them again.
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 64;
        }

        // The claim reads each tenant's ready messages through an index in sending order. With the
        // default cost of a random read (4, for spinning disks) and no statistics yet on a queue that
        // just filled, PostgreSQL fetched and sorted all of them instead (300 ms behind 60,000
        // messages, against 4 ms); 1.1 is the usual value for SSDs and cached data.
        if (settings.Options?.Contains("random_page_cost", StringComparison.OrdinalIgnoreCase) != true)
        {
            settings.Options = $"{settings.Options} -c random_page_cost=1.1".Trim();
        }
    }

    /// <summary>
    /// The main pool's size, unless the connection string sets another: the cores plus one. Npgsql
    /// hands out the connection idle longest, so a client sending one request at a time went through
    /// every connection a burst of work had opened (ten after a delivery), each backend running cold:
    /// PostgreSQL spent 9.6 ticks of CPU per 1,000 messages enqueued instead of 5.5 with four. In
    /// local mode PostgreSQL runs on the proxy's cores, where more statements at once than cores only
    /// queue; the sustained enqueue was faster with three connections than with five in six pairs of
    /// runs out of six (bench/README.md). Connections held across calls to the outside come from
    /// <see cref="LeaseConnections"/>. Each replica has a pool of its own.
    /// </summary>
    public static void LimitPool(NpgsqlConnectionStringBuilder settings)
    {
        if (settings.MaxPoolSize == NpgsqlDefaultMaxPoolSize)
        {
            settings.MaxPoolSize = Math.Max(settings.MinPoolSize, Environment.ProcessorCount + 1);
        }
    }
}
