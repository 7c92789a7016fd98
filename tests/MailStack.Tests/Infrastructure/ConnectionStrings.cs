using System.Data.Common;

namespace MailStack.Tests.Infrastructure;

/// <summary>Reads the <c>Key=value;…</c> connection strings the AppHost hands to services.</summary>
public static class ConnectionStrings
{
    public static async Task<IReadOnlyDictionary<string, string>> GetPartsAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken)
    {
        var connectionString = await app.GetConnectionStringAsync(resourceName, cancellationToken)
            ?? throw new InvalidOperationException($"resource '{resourceName}' has no connection string");
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.Keys.Cast<string>().ToDictionary(k => k, k => builder[k].ToString()!, StringComparer.OrdinalIgnoreCase);
    }
}
