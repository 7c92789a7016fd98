using System.Globalization;

namespace MailStack.Proxy.Model;

/// <summary>Sizes in MB as genro counts them (1 MB = 1024 × 1024 bytes) and prints them (one decimal).</summary>
public static class Megabytes
{
    public static double Of(long bytes) => bytes / (1024.0 * 1024.0);

    public static string Format(long bytes) => Of(bytes).ToString("F1", CultureInfo.InvariantCulture);
}
