using Npgsql;
using static MailStack.Tests.Proxy.ProxyApi;
using static MailStack.Tests.Proxy.ReplicaDrain;

namespace MailStack.Tests.Proxy;

/// <summary>
/// The claim's lease while a batch is still sending: renewed every third of it, so no other replica
/// takes the batch over and sends it again. A renewal PostgreSQL refuses is tried again at the next
/// tick; the first such failure used to end the renewals for the whole batch.
/// </summary>
public sealed class ProxyLeaseTests(StackFixture stack)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private readonly ProxyApi _proxy = new(stack);

    [Fact]
    public async Task A_renewal_the_database_refuses_is_tried_again_before_the_lease_runs_out()
    {
        await using var sink = await StartSinkAsync();
        // The message stays in DATA well past its first lease.
        Slow(sink, TimeSpan.FromSeconds(10));
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            // A short grace, so the proxy's stop does not wait for the held message.
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:ClaimLease"] = Lease.ToString(), ["Proxy:Dispatch:ShutdownGrace"] = "00:00:01" },
        });
        var db = proxy.Database;
        // A real PostgreSQL error for the first renewal only: with one replica, a renewal is the one
        // update that moves the lease of a message already being sent. A sequence counts the attempts (a
        // rollback does not undo it); each renewal let through is logged with the lease it extended.
        await using (var trigger = db.CreateCommand("""
            CREATE SEQUENCE renewal_attempts;
            CREATE TABLE renewals (at timestamptz NOT NULL, lease_end timestamptz NOT NULL);
            CREATE FUNCTION refuse_first_renewal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF OLD.status = 'sending' AND NEW.status = 'sending' AND NEW.claimed_until IS DISTINCT FROM OLD.claimed_until THEN
                    IF nextval('renewal_attempts') = 1 THEN
                        RAISE EXCEPTION 'the first renewal is refused by the test';
                    END IF;
                    INSERT INTO renewals VALUES (clock_timestamp(), OLD.claimed_until);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_first_renewal BEFORE UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION refuse_first_renewal();
            """))
        {
            await trigger.ExecuteNonQueryAsync(Cancellation);
        }

        using var admin = proxy.Client();
        var tenantId = NewId("lease");
        await _proxy.CreateTenantAsync(tenantId, "127.0.0.1", sink.SmtpPort, admin: admin);
        var id = NewId("held");
        await admin.AddMessagesAsync([OutgoingMessage.For(tenantId, id, $"{id}@example.test")]);

        // Refused at the first tick (a third of the lease), let through at the next: the renewal that
        // counts is the first one logged, necessarily after the refused one.
        var renewal = await Eventually.GetAsync(async c => await FirstRenewalAsync(db, c), "a renewal after the refused one", TimeSpan.FromSeconds(10));
        Assert.True(renewal.At < renewal.LeaseEnd, $"renewed at {renewal.At:HH:mm:ss.fff}, after its lease ran out at {renewal.LeaseEnd:HH:mm:ss.fff}");
    }

    /// <summary>The first renewal let through: when, and when the lease it extended would have run out.</summary>
    private static async Task<Renewal?> FirstRenewalAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT at, lease_end FROM renewals ORDER BY at LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Renewal(reader.GetDateTime(0), reader.GetDateTime(1)) : null;
    }

    private sealed record Renewal(DateTime At, DateTime LeaseEnd);
}
