using System.Data.Common;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// Uploads large attachments to the S3 object store (s3rver locally, MinIO in containers, any S3)
/// under a unique key and presigns a GET link to each.
/// </summary>
public sealed class AttachmentObjectStore : IDisposable
{
    private readonly AmazonS3Client? _client;
    private readonly string? _bucket;
    private readonly ObjectStoreOptions _options;
    private readonly Protocol _protocol;
    private readonly TimeProvider _time;

    public AttachmentObjectStore(IConfiguration configuration, IOptions<ObjectStoreOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        if (configuration.GetConnectionString(ObjectStoreOptions.ConnectionName) is not { Length: > 0 } connectionString)
        {
            return;
        }

        var settings = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Setting(string name) => settings.TryGetValue(name, out var value) ? value?.ToString() : null;
        var endpoint = Setting("Endpoint");
        _bucket = _options.Bucket is { Length: > 0 } bucket ? bucket : Setting("Bucket");
        if (endpoint is null || _bucket is null)
        {
            return;
        }

        _protocol = endpoint.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTPS : Protocol.HTTP;
        _client = new AmazonS3Client(new BasicAWSCredentials(Setting("AccessKey") ?? "", Setting("SecretKey") ?? ""), new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            Timeout = _options.Timeout,
            MaxErrorRetry = 1,
            // s3rver (and older MinIO) know neither trailing checksums nor chunked uploads.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public bool IsConfigured => _client is not null;

    /// <summary>
    /// Uploads <paramref name="content"/> and returns a link valid <paramref name="ttlDays"/> (at most
    /// <see cref="ObjectStoreOptions.MaxLinkDays"/>). A <c>s3://bucket/prefix</c> storage URL picks another bucket and prefix.
    /// </summary>
    public async Task<DownloadLink> UploadAsync(string tenantId, string fileName, string mimeType, AttachmentContent content, int ttlDays, string? storageUrl, CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            throw new InvalidOperationException("no object store is configured (connection string 'objects')");
        }

        var (bucket, prefix) = Target(storageUrl);
        var key = $"{prefix}{tenantId}/{Guid.NewGuid():N}/{fileName.Replace('/', '_')}";
        var put = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = content.Rewind(),
            AutoCloseStream = false,
            ContentType = mimeType,
            UseChunkEncoding = false,
        };
        put.Headers.ContentLength = content.Length;
        put.Headers.ContentDisposition = $"attachment; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
        await _client.PutObjectAsync(put, cancellationToken);

        var days = Math.Clamp(ttlDays, 1, _options.MaxLinkDays);
        var url = await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Protocol = _protocol,
            Expires = _time.GetUtcNow().UtcDateTime.AddDays(days),
        });
        return new DownloadLink(fileName, content.Length, new Uri(url), days);
    }

    private (string Bucket, string Prefix) Target(string? storageUrl)
    {
        if (storageUrl is null || !storageUrl.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return (_bucket!, _options.KeyPrefix);
        }

        var path = storageUrl["s3://".Length..].Trim('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (path, _options.KeyPrefix) : (path[..slash], $"{_options.KeyPrefix}{path[(slash + 1)..]}/");
    }

    public void Dispose() => _client?.Dispose();
}
