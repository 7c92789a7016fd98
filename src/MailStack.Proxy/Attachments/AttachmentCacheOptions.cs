namespace MailStack.Proxy.Attachments;

/// <summary>The MD5-keyed attachment cache (<c>Proxy:Attachments:Cache</c>), genro's two tiers and defaults.</summary>
public sealed class AttachmentCacheOptions
{
    public double MemoryMaxMb { get; set; } = 50;

    public TimeSpan MemoryTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Bodies above this go to the disk tier, smaller ones stay in memory.</summary>
    public double DiskThresholdKb { get; set; } = 100;

    /// <summary>The disk tier's directory; <c>cache</c> under the work directory by default.</summary>
    public string? DiskDirectory { get; set; }

    /// <summary>0 turns the disk tier off.</summary>
    public double DiskMaxMb { get; set; } = 500;

    public TimeSpan DiskTtl { get; set; } = TimeSpan.FromHours(1);
}
