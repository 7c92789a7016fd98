using MailStack.Proxy.Model;
using Npgsql;

namespace MailStack.Proxy.Persistence;

/// <summary>
/// The instance's singleton row (<c>id = 1</c>, as genro's <c>instance</c> table): its name and
/// bounce settings, and the bounce receiver's position in the configured mailbox.
/// </summary>
public sealed class InstanceStore(NpgsqlDataSource db)
{
    private const string SettingsColumns = """
        name, bounce_enabled, bounce_imap_host, bounce_imap_port, bounce_imap_user, bounce_imap_password, bounce_imap_folder,
        bounce_imap_ssl, bounce_poll_interval, bounce_return_path, bounce_delete_processed, created_at, updated_at
        """;

    /// <summary>GET /instance: the settings without the password, and the position in the mailbox they name.</summary>
    public async Task<InstanceRecord> GetAsync(CancellationToken cancellationToken)
    {
        var (settings, name, returnPath, createdAt, updatedAt) = await ReadAsync(cancellationToken);
        await using var command = db.CreateCommand("SELECT uidvalidity, last_uid, last_sync FROM bounce_mailboxes WHERE mailbox = $1");
        command.Parameters.AddWithValue(settings.MailboxKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = await reader.ReadAsync(cancellationToken);
        return new InstanceRecord(1, name, settings.Enabled, settings.Host, settings.Port, settings.User, settings.Folder, settings.Ssl,
            (int)settings.PollInterval.TotalSeconds, returnPath, settings.DeleteProcessed,
            found ? reader.GetInt64(1) : null, found ? reader.Int64OrNull(2) : null, found ? reader.Int64OrNull(0) : null, createdAt, updatedAt);
    }

    /// <summary>What the bounce receiver needs, password included.</summary>
    public async Task<BounceSettings> BounceSettingsAsync(CancellationToken cancellationToken) => (await ReadAsync(cancellationToken)).Settings;

    /// <summary>The envelope sender for mail whose message gives no <c>return_path</c>, so bounces reach the bounce mailbox; null: the From address.</summary>
    public async Task<string?> ReturnPathAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT bounce_return_path FROM instance WHERE id = 1");
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// Applies the fields given (null keeps a value, an empty string clears a text one). Settings
    /// from <see cref="SettingsSource.Configuration"/> apply only while no admin has set them through the API.
    /// </summary>
    /// <returns>False when configuration gave way to settings made through the API.</returns>
    public async Task<bool> UpdateAsync(InstancePayload payload, SettingsSource source, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            UPDATE instance SET
                name = coalesce($1, name),
                bounce_enabled = coalesce($2, bounce_enabled),
                bounce_imap_host = CASE WHEN $3::text IS NULL THEN bounce_imap_host ELSE nullif($3, '') END,
                bounce_imap_port = coalesce($4, bounce_imap_port),
                bounce_imap_user = CASE WHEN $5::text IS NULL THEN bounce_imap_user ELSE nullif($5, '') END,
                bounce_imap_password = CASE WHEN $6::text IS NULL THEN bounce_imap_password ELSE nullif($6, '') END,
                bounce_imap_folder = coalesce($7, bounce_imap_folder),
                bounce_imap_ssl = coalesce($8, bounce_imap_ssl),
                bounce_poll_interval = coalesce($9, bounce_poll_interval),
                bounce_return_path = CASE WHEN $10::text IS NULL THEN bounce_return_path ELSE nullif($10, '') END,
                bounce_delete_processed = coalesce($11, bounce_delete_processed),
                settings_source = $12,
                updated_at = now()
            WHERE id = 1 AND ($12 = $13 OR settings_source <> $13)
            """);
        command.Parameters.Add(DbValues.Text(payload.Name));
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Boolean, payload.BounceEnabled.OrNull());
        command.Parameters.Add(DbValues.Text(payload.BounceImapHost));
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, payload.BounceImapPort.OrNull());
        command.Parameters.Add(DbValues.Text(payload.BounceImapUser));
        command.Parameters.Add(DbValues.Text(payload.BounceImapPassword));
        command.Parameters.Add(DbValues.Text(payload.BounceImapFolder));
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Boolean, payload.BounceImapSsl.OrNull());
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Integer, payload.BouncePollInterval.OrNull());
        command.Parameters.Add(DbValues.Text(payload.BounceReturnPath));
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Boolean, payload.BounceDeleteProcessed.OrNull());
        command.Parameters.AddWithValue(Source(source));
        command.Parameters.AddWithValue(Source(SettingsSource.Api));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<(BounceSettings Settings, string Name, string? ReturnPath, long CreatedAt, long UpdatedAt)> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {SettingsColumns} FROM instance WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("the instance row is missing (schema migration 6 creates it)");
        }

        var settings = new BounceSettings(reader.GetBoolean(1), reader.StringOrNull(2), reader.GetInt32(3), reader.StringOrNull(4), reader.StringOrNull(5),
            reader.GetString(6), reader.GetBoolean(7), TimeSpan.FromSeconds(reader.GetInt32(8)), reader.GetBoolean(10));
        return (settings, reader.GetString(0), reader.StringOrNull(9), reader.UnixSeconds(11), reader.UnixSeconds(12));
    }

    private static string Source(SettingsSource source) => source switch
    {
        SettingsSource.Configuration => "configuration",
        SettingsSource.Api => "api",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };
}
