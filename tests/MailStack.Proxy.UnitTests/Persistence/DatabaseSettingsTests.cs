using MailStack.Proxy.Persistence;
using Npgsql;

namespace MailStack.Proxy.UnitTests.Persistence;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void The_pool_holds_the_cores_plus_one_connections_by_default()
    {
        var settings = new NpgsqlConnectionStringBuilder("Host=localhost;Database=maildb");
        DatabaseSettings.LimitPool(settings);
        Assert.Equal(Environment.ProcessorCount + 1, settings.MaxPoolSize);
    }

    [Fact]
    public void A_pool_size_in_the_connection_string_is_kept()
    {
        var settings = new NpgsqlConnectionStringBuilder("Host=localhost;Database=maildb;Maximum Pool Size=40");
        DatabaseSettings.LimitPool(settings);
        Assert.Equal(40, settings.MaxPoolSize);
    }
}
