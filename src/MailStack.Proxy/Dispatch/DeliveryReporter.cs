using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using MailStack.Proxy.Telemetry;
using Microsoft.Extensions.Options;
using Polly;

namespace MailStack.Proxy.Dispatch;

/// <summary>
/// Posts each tenant's unreported events to <c>{client_base_url}{client_sync_path}</c> as
/// <c>{"delivery_report":[…]}</c>; a 2xx marks exactly those events reported, anything else leaves
/// them for the next round (at-least-once). Runs when woken and every sync interval. Each tenant is
/// reported to on its own (up to <see cref="DispatchOptions.MaxConcurrentReports"/> at once), so a
/// slow or unreachable tenant — its request retried and timed out by the resilience handler — holds
/// up only its own reports.
/// </summary>
public sealed class DeliveryReporter(EventStore events, IHttpClientFactory httpFactory, DispatchSignal signal, IOptions<DispatchOptions> options, TimeProvider time, ILogger<DeliveryReporter> logger) : BackgroundService
{
    private const int MaxItemsPerReport = 500;

    /// <summary>Tenants this replica is reporting to right now; a round leaves them to the report in flight.</summary>
    private readonly ConcurrentDictionary<string, Task> _reporting = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentReports));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wakes = signal.ListenForReports();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await StartDueReportsAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Never let one bad round stop the service: unreported events stay unreported.
                    logger.LogError(ex, "Reporting round failed; retrying later");
                }

                await wakes.WaitAsync(options.Value.SyncInterval < options.Value.PollInterval ? options.Value.SyncInterval : options.Value.PollInterval, stoppingToken);
            }
        }
        finally
        {
            // Reports in flight end with the stopping token (their events stay unreported); they never throw.
            await Task.WhenAll(_reporting.Values);
        }
    }

    public override void Dispose()
    {
        // The loop first (see Dispatcher.Dispose): cancelling it must not meet disposed slots.
        base.Dispose();
        _slots.Dispose();
    }

    /// <summary>
    /// Starts a report to every tenant with unreported events, and a heartbeat to active tenants
    /// whose last sync is older than the sync interval (unless they asked not to be disturbed),
    /// except to those a report of this replica is still going to.
    /// </summary>
    private async Task StartDueReportsAsync(CancellationToken cancellationToken)
    {
        // Nothing due leaves no trace; each tenant's report is one trace, the look included.
        var (targets, startedAt) = await ProxyTelemetry.LookQuietlyAsync(() => events.DueTargetsAsync(time.GetUtcNow().ToUnixTimeSeconds(), options.Value.SyncInterval, cancellationToken));
        foreach (var target in targets.Where(t => !_reporting.ContainsKey(t.TenantId)))
        {
            // Registered before it runs, so its own removal at the end cannot come first.
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _reporting[target.TenantId] = ReportToAsync(target, registered.Task, startedAt, targets.Count, cancellationToken);
            registered.SetResult();
        }
    }

    /// <summary>One tenant's reports, when a slot is free: never throws, and ends by leaving <see cref="_reporting"/>.</summary>
    private async Task ReportToAsync(ReportTarget target, Task registered, DateTimeOffset lookedAt, int found, CancellationToken cancellationToken)
    {
        await registered;
        try
        {
            await _slots.WaitAsync(cancellationToken);
            try
            {
                using var round = ProxyTelemetry.StartRound("report round", lookedAt, "find tenants to report", found);
                round?.SetTag("mailstack.tenant_id", target.TenantId);
                await using var turn = await events.TryTakeReportTurnAsync(target.TenantId, cancellationToken);
                if (turn is null)
                {
                    return; // another replica is reporting to this tenant right now
                }

                // A tenant that answers "queued" wants the next batch at once; bounded, then the next round goes on.
                for (var report = 0; report < 10 && await ReportTenantAsync(target, cancellationToken); report++)
                {
                }
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping: the events stay unreported
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Reporting to tenant {TenantId} failed; retrying later", target.TenantId);
        }
        finally
        {
            _reporting.TryRemove(target.TenantId, out _);
        }
    }

    /// <returns>True when the tenant asked for another report straight away.</returns>
    private async Task<bool> ReportTenantAsync(ReportTarget target, CancellationToken cancellationToken)
    {
        var unreported = await events.UnreportedAsync(target.TenantId, MaxItemsPerReport, cancellationToken);
        using var http = httpFactory.CreateClient("tenant-sync");
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = Body(new DeliveryReportRequest([.. unreported.Select(e => e.ToReportItem())])) };
        request.Headers.Authorization = target.Auth?.ToAuthorizationHeader();
        SyncReply? reply;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Tenant {TenantId} answered {Status} to a delivery report of {Count} item(s); they will be sent again", target.TenantId, (int)response.StatusCode, unreported.Count);
                return false;
            }

            reply = await ReadReplyAsync(response, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ExecutionRejectedException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Tenant {TenantId} sync endpoint unreachable ({Reason}); {Count} item(s) will be sent again", target.TenantId, ex.Message, unreported.Count);
            return false;
        }

        await events.MarkReportedAsync(target.TenantId, [.. unreported.Select(e => e.EventId)], time.GetUtcNow().ToUnixTimeSeconds(), reply?.NextSyncAfter, cancellationToken);
        if (unreported.Count > 0)
        {
            logger.LogInformation("Reported {Count} event(s) to tenant {TenantId}", unreported.Count, target.TenantId);
        }

        return reply?.Queued > 0 || unreported.Count == MaxItemsPerReport;
    }

    /// <summary>
    /// The report as a buffered body with a Content-Length: tenant endpoints behind WSGI servers
    /// read a chunked body as empty.
    /// </summary>
    public static ByteArrayContent Body(DeliveryReportRequest report)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(report, WireJson.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static async Task<SyncReply?> ReadReplyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<SyncReply>(WireJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null; // a 2xx without (the expected) JSON still acknowledges the report
        }
    }
}
