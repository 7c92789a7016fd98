using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>What every connection of the proxy to its database is opened with; a connection string's own values win.</summary>
public static class DatabaseSettings
{
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
        if (settings.Options?.Contains("random_page_cost", StringComparison.Ordinal) != true)
        {
            settings.Options = $"{settings.Options} -c random_page_cost=1.1".Trim();
        }
    }
}
