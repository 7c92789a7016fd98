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
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Reporting round failed; retrying later");
            }

            await signal.WaitAsync(options.Value.SyncInterval < options.Value.PollInterval ? options.Value.SyncInterval : options.Value.PollInterval, stoppingToken);
        }
    }

    public async Task ReportAllAsync(CancellationToken cancellationToken)
    {
        var tenants = new List<(string Id, string Url, JsonElement? Auth)>();
        await using (var command = db.CreateCommand("""
            SELECT t.id, t.client_base_url || t.client_sync_path, t.client_auth FROM tenants t
            WHERE t.active AND t.client_base_url IS NOT NULL
              AND EXISTS (SELECT 1 FROM message_events e WHERE e.tenant_id = t.id AND e.reported_ts IS NULL)
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tenants.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
            }
        }

        foreach (var tenant in tenants)
        {
            await ReportTenantAsync(tenant.Id, tenant.Url, tenant.Auth, cancellationToken);
        }
    }

    private async Task ReportTenantAsync(string tenantId, string url, JsonElement? auth, CancellationToken cancellationToken)
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

        if (items.Count == 0)
        {
            return;
        }

        using var http = httpFactory.CreateClient("tenant-sync");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { delivery_report = items }) };
        Authorize(request, auth);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Tenant {TenantId} answered {Status} to a delivery report of {Count} item(s); they will be sent again", tenantId, (int)response.StatusCode, items.Count);
                return;
            }
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Tenant {TenantId} sync endpoint unreachable ({Reason}); {Count} item(s) will be sent again", tenantId, ex.Message, items.Count);
            return;
        }

        await using var mark = db.CreateCommand("UPDATE message_events SET reported_ts = $2 WHERE id = ANY($1)");
        mark.Parameters.AddWithValue(eventIds.ToArray());
        mark.Parameters.AddWithValue(time.GetUtcNow().ToUnixTimeSeconds());
        await mark.ExecuteNonQueryAsync(cancellationToken);
        logger.LogInformation("Reported {Count} event(s) to tenant {TenantId}", items.Count, tenantId);
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
