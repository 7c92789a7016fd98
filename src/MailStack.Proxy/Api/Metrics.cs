using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Npgsql;

namespace MailStack.Proxy.Api;

/// <summary>
/// The proxy's Prometheus counters (per tenant and account) and the pending gauge, served as
/// text at <c>/metrics</c>. Every series family is present from start-up, with HELP and TYPE.
/// </summary>
public sealed class ProxyMetrics
{
    public static readonly string[] Counters = ["mailstack_sent_total", "mailstack_errors_total", "mailstack_deferred_total", "mailstack_rate_limited_total", "mailstack_bounced_total"];

    private readonly ConcurrentDictionary<(string Name, string Tenant, string Account), long> _counts = new();

    public void Increment(string name, string tenantId, string accountId) =>
        _counts.AddOrUpdate((name, tenantId, accountId), 1, (_, n) => n + 1);

    public async Task<string> RenderAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
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

        await using var command = db.CreateCommand("SELECT count(*) FROM messages WHERE status IN ('pending', 'deferred', 'sending')");
        var pending = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        text.Append("# HELP mailstack_pending_messages messages waiting to be sent\n# TYPE mailstack_pending_messages gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"mailstack_pending_messages {pending}\n");
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
