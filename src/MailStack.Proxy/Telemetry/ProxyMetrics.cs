using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using MailStack.Proxy.Model;

namespace MailStack.Proxy.Telemetry;

/// <summary>
/// The proxy's counters per tenant and account and the pending gauge, twice: as OpenTelemetry
/// instruments of the meter <c>MailStack.Proxy</c> (so they reach the dashboard) and as the
/// Prometheus text of <c>/metrics</c>, whose series families are all present from start-up.
/// </summary>
public sealed class ProxyMetrics
{
    public const string SentTotal = "mailstack_sent_total";
    public const string ErrorsTotal = "mailstack_errors_total";
    public const string DeferredTotal = "mailstack_deferred_total";
    public const string RateLimitedTotal = "mailstack_rate_limited_total";
    public const string BouncedTotal = "mailstack_bounced_total";

    public static readonly string[] Counters = [SentTotal, ErrorsTotal, DeferredTotal, RateLimitedTotal, BouncedTotal];

    /// <summary>Reports in the bounce mailbox tied to no message (not a bounce, unreadable, or naming nothing): kept in its Unrecognized folder.</summary>
    public const string UnrecognizedBouncesTotal = "mailstack_bounces_unrecognized_total";

    private readonly ConcurrentDictionary<(string Name, string Tenant, string Account), long> _counts = new();
    private readonly Dictionary<string, Counter<long>> _instruments;
    private readonly Counter<long> _unrecognizedBounces;
    private long _pending;
    private long _unrecognized;

    public ProxyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ProxyTelemetry.Name);
        _instruments = new()
        {
            [SentTotal] = meter.CreateCounter<long>("mailstack.proxy.messages.sent", "{message}", "Messages accepted by the SMTP server"),
            [ErrorsTotal] = meter.CreateCounter<long>("mailstack.proxy.messages.errors", "{message}", "Messages that failed for good"),
            [DeferredTotal] = meter.CreateCounter<long>("mailstack.proxy.messages.deferred", "{message}", "Sends deferred for a retry"),
            [RateLimitedTotal] = meter.CreateCounter<long>("mailstack.proxy.messages.rate_limited", "{message}", "Sends held back by an account's rate limit"),
            [BouncedTotal] = meter.CreateCounter<long>("mailstack.proxy.messages.bounced", "{message}", "Sent messages that bounced"),
        };
        _unrecognizedBounces = meter.CreateCounter<long>("mailstack.proxy.bounces.unrecognized", "{report}", "Bounce mailbox reports tied to no message");
        meter.CreateObservableGauge("mailstack.proxy.messages.pending", () => Volatile.Read(ref _pending), "{message}", "Messages waiting or being sent, over all tenants");
    }

    /// <summary>Counts one outcome of a message of <paramref name="tenantId"/>'s account <paramref name="accountId"/>.</summary>
    public void Record(MessageStatus outcome, string tenantId, string accountId) => Increment(outcome switch
    {
        MessageStatus.Sent => SentTotal,
        MessageStatus.Error => ErrorsTotal,
        MessageStatus.Bounced => BouncedTotal,
        _ => DeferredTotal,
    }, tenantId, accountId);

    /// <summary>Counts messages a rate limit held back (deferred or rejected); their outcome is counted by <see cref="Record"/> as well.</summary>
    public void RateLimited(string tenantId, string accountId, int messages = 1) => Increment(RateLimitedTotal, tenantId, accountId, messages);

    /// <summary>Counts a report of the bounce mailbox that was tied to no message.</summary>
    public void UnrecognizedBounce()
    {
        Interlocked.Increment(ref _unrecognized);
        _unrecognizedBounces.Add(1);
    }

    /// <summary>The latest count of open messages, for the gauge.</summary>
    public void SetPending(long pending) => Volatile.Write(ref _pending, pending);

    private void Increment(string name, string tenantId, string accountId, int by = 1)
    {
        _counts.AddOrUpdate((name, tenantId, accountId), by, (_, n) => n + by);
        _instruments[name].Add(by, new KeyValuePair<string, object?>("tenant_id", tenantId), new KeyValuePair<string, object?>("account_id", accountId));
    }

    public string Render(long pending)
    {
        SetPending(pending);
        var text = new StringBuilder();
        foreach (var name in Counters)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(name.Replace('_', ' ')).Append('\n');
            text.Append("# TYPE ").Append(name).Append(" counter\n");
            var series = _counts.Where(c => c.Key.Name == name).OrderBy(c => c.Key.Tenant).ThenBy(c => c.Key.Account).ToList();
            if (series.Count == 0)
            {
                text.Append(name).Append(" 0\n");
            }

            foreach (var ((_, tenant, account), value) in series)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}{{tenant_id=\"{Escape(tenant)}\",account_id=\"{Escape(account)}\"}} {value}\n");
            }
        }

        text.Append("# HELP ").Append(UnrecognizedBouncesTotal).Append(" bounce mailbox reports tied to no message\n");
        text.Append("# TYPE ").Append(UnrecognizedBouncesTotal).Append(" counter\n");
        text.Append(CultureInfo.InvariantCulture, $"{UnrecognizedBouncesTotal} {Interlocked.Read(ref _unrecognized)}\n");
        text.Append("# HELP mailstack_pending_messages messages waiting to be sent\n# TYPE mailstack_pending_messages gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"mailstack_pending_messages {pending}\n");
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
