using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MailStack.Proxy.Model;

namespace MailStack.Proxy.Telemetry;

/// <summary>
/// The proxy's Prometheus counters (per tenant and account) and the pending gauge, served as
/// text at <c>/metrics</c>. Every series family is present from start-up, with HELP and TYPE.
/// </summary>
public sealed class ProxyMetrics
{
    public static readonly string[] Counters = ["mailstack_sent_total", "mailstack_errors_total", "mailstack_deferred_total", "mailstack_rate_limited_total", "mailstack_bounced_total"];

    private readonly ConcurrentDictionary<(string Name, string Tenant, string Account), long> _counts = new();

    /// <summary>Counts one outcome of a message of <paramref name="tenantId"/>'s account <paramref name="accountId"/>.</summary>
    public void Record(MessageStatus outcome, string tenantId, string accountId)
    {
        var name = outcome switch
        {
            MessageStatus.Sent => "mailstack_sent_total",
            MessageStatus.Error => "mailstack_errors_total",
            MessageStatus.Bounced => "mailstack_bounced_total",
            _ => "mailstack_deferred_total",
        };
        _counts.AddOrUpdate((name, tenantId, accountId), 1, (_, n) => n + 1);
    }

    public string Render(long pending)
    {
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

        text.Append("# HELP mailstack_pending_messages messages waiting to be sent\n# TYPE mailstack_pending_messages gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"mailstack_pending_messages {pending}\n");
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
