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
    public async Task A_renewal_the_database_refuses_is_tried_again_so_the_claim_outlives_its_first_lease()
    {
        await using var sink = await StartSinkAsync();
        // The message stays in DATA well past its first lease.
        Slow(sink, TimeSpan.FromSeconds(10));
        await using var proxy = await TestProxy.StartAsync(stack, new TestProxyOptions
        {
            Hosting = ProxyHosting.InProcess,
            Settings = new Dictionary<string, string> { ["Proxy:Dispatch:ClaimLease"] = Lease.ToString() },
        });
        var db = proxy.Database;
        // A real PostgreSQL error for the first renewal only: a renewal is the one update that moves the
        // lease of a message already being sent; a sequence counts them (a rollback does not undo it).
        await using (var trigger = db.CreateCommand("""
            CREATE SEQUENCE renewals;
            CREATE FUNCTION refuse_first_renewal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF OLD.status = 'sending' AND NEW.status = 'sending' AND NEW.claimed_until IS DISTINCT FROM OLD.claimed_until THEN
                    IF nextval('renewals') = 1 THEN
                        RAISE EXCEPTION 'the first renewal is refused by the test';
                    END IF;
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_first_renewal BEFORE UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION refuse_first_renewal();
            """))
        {
            await trigger.ExecuteNonQueryAsync(Cancellation);
        }

        using var admin = proxy.Client(stack.AdminToken);
        var tenantId = NewId("lease");
        await _proxy.CreateTenantAsync(tenantId, "127.0.0.1", sink.SmtpPort, admin: admin);
        var id = NewId("held");
        await admin.AddMessagesAsync([OutgoingMessage.For(tenantId, id, $"{id}@example.test")]);

        var firstLeaseEnd = (DateTime)await Eventually.GetAsync<object>(async c => await ClaimedUntilAsync(db, tenantId, id, c), "the message to be claimed");
        // Refused at the first tick (a third of the lease), renewed at the next: the claim reaches past
        // its first lease while the message is still being sent (10 s).
        long tried = 0;
        await Eventually.GetAsync<object>(async c =>
        {
            tried = await RenewalsAsync(db, c);
            return await ClaimedUntilAsync(db, tenantId, id, c) is { } until && until > firstLeaseEnd ? until : null;
        }, "the claim to be renewed after the refused renewal", TimeSpan.FromSeconds(6), () => $"{tried} renewal(s) tried, the first refused");
    }

    /// <summary>The message's lease end while it is being sent; null once it is not.</summary>
    private static async Task<DateTime?> ClaimedUntilAsync(NpgsqlDataSource db, string tenantId, string id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT claimed_until FROM messages WHERE tenant_id = $1 AND id = $2 AND status = 'sending'");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(cancellationToken) as DateTime?;
    }

    /// <summary>How many renewals reached the trigger (the first was refused).</summary>
    private static async Task<long> RenewalsAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM renewals");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
