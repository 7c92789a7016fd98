using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Posts each tenant's unreported events to <c>{client_base_url}{client_sync_path}</c> as
/// <c>{"delivery_report":[…]}</c>; a 2xx marks exactly those events reported, anything else leaves
/// them for the next round (at-least-once). Runs when woken and every sync interval.
/// </summary>
public sealed class DeliveryReporter(NpgsqlDataSource db, IHttpClientFactory httpFactory, DispatchSignal signal, IOptions<DispatchOptions> options, TimeProvider time, ILogger<DeliveryReporter> logger) : BackgroundService
{
    private const int MaxItemsPerReport = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReportAllAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Never let one bad cycle stop the service: claimed messages come back when their lease ends.
                logger.LogError(ex, "Reporting round failed; retrying later");
            }

            await signal.WaitAsync(options.Value.SyncInterval < options.Value.PollInterval ? options.Value.SyncInterval : options.Value.PollInterval, stoppingToken);
        }
    }

    /// <summary>
    /// Reports to every tenant with unreported events, and sends a heartbeat to active tenants
    /// whose last sync is older than the sync interval (unless they asked not to be disturbed).
    /// </summary>
    public async Task ReportAllAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var tenants = new List<(string Id, string Url, JsonElement? Auth)>();
        await using (var command = db.CreateCommand("""
            SELECT t.id, t.client_base_url || t.client_sync_path, t.client_auth FROM tenants t
            WHERE t.active AND t.client_base_url IS NOT NULL
              AND (EXISTS (SELECT 1 FROM message_events e WHERE e.tenant_id = t.id AND e.reported_ts IS NULL
                           AND e.event_type IN ('sent', 'error', 'deferred', 'bounced'))
                   OR (coalesce(t.last_sync_ts, 0) + $2 <= $1 AND coalesce(t.next_sync_after, 0) <= $1))
            """))
        {
            command.Parameters.AddWithValue(now);
            command.Parameters.AddWithValue((long)options.Value.SyncInterval.TotalSeconds);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tenants.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
            }
        }

        foreach (var tenant in tenants)
        {
            await using var turn = await TryTakeTenantAsync(tenant.Id, cancellationToken);
            if (turn is null)
            {
                continue; // another replica is reporting to this tenant right now
            }

            // A tenant that answers "queued" wants the next batch at once; bounded so one tenant cannot starve the rest.
            for (var round = 0; round < 10 && await ReportTenantAsync(tenant.Id, tenant.Url, tenant.Auth, cancellationToken); round++)
            {
            }
        }
    }

    /// <summary>
    /// One reporter per tenant at a time across replicas: a transaction-scoped advisory lock on a
    /// connection of its own, held while reporting, so replicas do not post the same events side by side.
    /// </summary>
    /// <returns>The turn (dispose to release it), or null when another replica has it.</returns>
    private async Task<ReportTurn?> TryTakeTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var connection = await db.OpenConnectionAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var take = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtextextended('mailstack-report:' || $1, 0))", connection, transaction);
        take.Parameters.AddWithValue(tenantId);
        var turn = new ReportTurn(connection, transaction);
        if (await take.ExecuteScalarAsync(cancellationToken) is true)
        {
            return turn;
        }

        await turn.DisposeAsync();
        return null;
    }

    private sealed class ReportTurn(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync(); // rolls back: the lock goes with the transaction
            await connection.DisposeAsync();
        }
    }

    /// <returns>True when the tenant asked for another report straight away.</returns>
    private async Task<bool> ReportTenantAsync(string tenantId, string url, JsonElement? auth, CancellationToken cancellationToken)
    {
        var eventIds = new List<long>();
        var items = new List<Dictionary<string, object?>>();
        await using (var command = db.CreateCommand("""
            SELECT e.id, m.id, e.event_type, e.event_ts, e.description FROM message_events e JOIN messages m ON m.pk = e.message_pk
            WHERE e.tenant_id = $1 AND e.reported_ts IS NULL AND e.event_type IN ('sent', 'error', 'deferred', 'bounced')
            ORDER BY e.id LIMIT $2
            """))
        {
            command.Parameters.AddWithValue(tenantId);
            command.Parameters.AddWithValue(MaxItemsPerReport);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                eventIds.Add(reader.GetInt64(0));
                var (id, type, ts, description) = (reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4));
                items.Add(type switch
                {
                    "sent" => new() { ["id"] = id, ["sent_ts"] = ts },
                    "error" => new() { ["id"] = id, ["error_ts"] = ts, ["error"] = description },
                    "deferred" => new() { ["id"] = id, ["deferred_ts"] = ts, ["deferred_reason"] = description },
                    _ => new() { ["id"] = id, ["bounce_ts"] = ts, ["bounce_reason"] = description },
                });
            }
        }

        using var http = httpFactory.CreateClient("tenant-sync");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { delivery_report = items }) };
        Authorize(request, auth);
        JsonElement reply;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Tenant {TenantId} answered {Status} to a delivery report of {Count} item(s); they will be sent again", tenantId, (int)response.StatusCode, items.Count);
                return false;
            }

            reply = await ReadReplyAsync(response, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Tenant {TenantId} sync endpoint unreachable ({Reason}); {Count} item(s) will be sent again", tenantId, ex.Message, items.Count);
            return false;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        long? nextSyncAfter = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("next_sync_after", out var after) && after.TryGetInt64(out var afterTs) ? afterTs : null;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var mark = new NpgsqlCommand("UPDATE message_events SET reported_ts = $2 WHERE id = ANY($1)", connection, transaction))
        {
            mark.Parameters.AddWithValue(eventIds.ToArray());
            mark.Parameters.AddWithValue(now);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var synced = new NpgsqlCommand("UPDATE tenants SET last_sync_ts = $2, next_sync_after = $3 WHERE id = $1", connection, transaction))
        {
            synced.Parameters.AddWithValue(tenantId);
            synced.Parameters.AddWithValue(now);
            synced.Parameters.AddWithValue((object?)nextSyncAfter ?? DBNull.Value);
            await synced.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (items.Count > 0)
        {
            logger.LogInformation("Reported {Count} event(s) to tenant {TenantId}", items.Count, tenantId);
        }

        var queued = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("queued", out var q) && q.TryGetInt32(out var n) ? n : 0;
        return queued > 0 || items.Count == MaxItemsPerReport;
    }

    private static async Task<JsonElement> ReadReplyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (JsonException)
        {
            return default; // a 2xx without JSON still acknowledges the report
        }
    }

    private static void Authorize(HttpRequestMessage request, JsonElement? auth)
    {
        if (auth is not { ValueKind: JsonValueKind.Object } a)
        {
            return;
        }

        string? Field(string name) => a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        switch (Field("method"))
        {
            case "bearer":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Field("token"));
                break;
            case "basic":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Field("user")}:{Field("password")}")));
                break;
        }
    }
}
