using System.Globalization;

namespace MailStack.Proxy.Attachments;

/// <summary>The large-file rules of a tenant, with genro's defaults filled: when an attachment is "large" and what then happens.</summary>
public sealed record LargeFilePolicy(bool Enabled, double MaxSizeMb, LargeFileAction Action, int FileTtlDays, string? StorageUrl)
{
    public const double DefaultMaxSizeMb = 10;
    public const int DefaultFileTtlDays = 30;

    public static readonly LargeFilePolicy Disabled = new(false, DefaultMaxSizeMb, LargeFileAction.Warn, DefaultFileTtlDays, null);

    /// <summary>What to do with an attachment of <paramref name="length"/> bytes; null keeps it inline.</summary>
    public LargeFileAction? Apply(long length) => Enabled && SizeMb(length) > MaxSizeMb ? Action : null;

    public static double SizeMb(long length) => length / (1024.0 * 1024.0);

    /// <summary>genro's reject reason, to the character: <c>Attachment 'f' (12.0 MB) exceeds limit (10.0 MB)</c>.</summary>
    public string Exceeds(string fileName, long length) =>
        $"Attachment '{fileName}' ({SizeMb(length).ToString("F1", CultureInfo.InvariantCulture)} MB) exceeds limit ({PythonFloat(MaxSizeMb)} MB)";

    /// <summary>A float as Python prints it (genro formats the limit with <c>str(float)</c>): 10 → "10.0", 0.5 → "0.5".</summary>
    public static string PythonFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
