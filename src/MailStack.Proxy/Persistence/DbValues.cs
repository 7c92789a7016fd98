using System.Text.Json;
using MailStack.Proxy.Bounces.Parsing;
using MailStack.Proxy.Model;
using Npgsql;
using NpgsqlTypes;

namespace MailStack.Proxy.Persistence;

/// <summary>Conversions between the model and column values shared by the stores.</summary>
internal static class DbValues
{
    public static long UnixSeconds(this NpgsqlDataReader reader, int ordinal) => new DateTimeOffset(reader.GetDateTime(ordinal)).ToUnixTimeSeconds();

    public static string? StringOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? Int64OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static int? Int32OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>A <c>bounce_type</c> column (the parser's <see cref="BounceTypes"/> mapping).</summary>
    public static BounceType? BounceTypeOrNull(this NpgsqlDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal) && BounceTypes.TryParse(reader.GetString(ordinal), out var type) ? type : null;

    public static bool? BooleanOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetBoolean(ordinal);

    public static T? JsonOrNull<T>(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? default : JsonSerializer.Deserialize<T>(reader.GetString(ordinal), WireJson.Options);

    public static JsonElement Json(this NpgsqlDataReader reader, int ordinal)
    {
        using var document = JsonDocument.Parse(reader.GetString(ordinal));
        return document.RootElement.Clone();
    }

    public static NpgsqlParameter Jsonb<T>(T? value) => new()
    {
        NpgsqlDbType = NpgsqlDbType.Jsonb,
        Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, WireJson.Options),
    };

    public static object OrNull(this object? value) => value ?? DBNull.Value;

    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value.OrNull() };
}
