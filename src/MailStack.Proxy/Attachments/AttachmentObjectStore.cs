using System.Collections.Concurrent;
using System.Data.Common;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MailStack.Proxy.Model;
using Microsoft.Extensions.Options;

namespace MailStack.Proxy.Attachments;

/// <summary>
/// Uploads large attachments to the S3 object store (s3rver locally, MinIO in containers, any S3)
/// under a unique key and presigns a GET link to each — for the store's endpoint, or for the
/// tenant's <c>public_base_url</c> when it has one.
/// </summary>
public sealed class AttachmentObjectStore : IDisposable
{
    private readonly AmazonS3Client? _client;
    private readonly string? _bucket;
    private readonly ObjectStoreOptions _options;
    private readonly Protocol _protocol;
    private readonly TimeProvider _time;
    private readonly BasicAWSCredentials? _credentials;

    /// <summary>Presign-only clients, one per public base URL's authority (presigning makes no request).</summary>
    private readonly ConcurrentDictionary<string, AmazonS3Client> _publicSigners = new(StringComparer.OrdinalIgnoreCase);

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
        _credentials = new BasicAWSCredentials(Setting("AccessKey") ?? "", Setting("SecretKey") ?? "");
        _client = new AmazonS3Client(_credentials, new AmazonS3Config
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
    /// Uploads <paramref name="content"/> and returns a link valid the policy's <c>file_ttl_days</c>, at
    /// most <see cref="LinkDays"/>. A <c>s3://bucket/prefix</c> storage URL picks another bucket and prefix.
    /// </summary>
    public async Task<DownloadLink> UploadAsync(string tenantId, string fileName, string mimeType, AttachmentContent content, LargeFileConfig policy, CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            throw new InvalidOperationException("no object store is configured (connection string 'objects')");
        }

        var (bucket, prefix) = Target(policy.StorageUrl);
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

        var days = LinkDays(policy.FileTtlDays);
        return new DownloadLink(fileName, content.Length, await PresignAsync(bucket, key, days, policy.PublicBaseUrl), days);
    }

    /// <summary>
    /// How long a link stays valid: <paramref name="ttlDays"/> (<c>file_ttl_days</c>), cut to
    /// <see cref="ObjectStoreOptions.MaxLinkDays"/> and never beyond <see cref="ObjectStoreOptions.S3MaxLinkDays"/>.
    /// </summary>
    public int LinkDays(int ttlDays) => Math.Clamp(ttlDays, 1, Math.Clamp(_options.MaxLinkDays, 1, ObjectStoreOptions.S3MaxLinkDays));

    /// <summary>
    /// A presigned GET link to <paramref name="key"/>, valid <paramref name="days"/>. With
    /// <paramref name="publicBaseUrl"/> it is signed for that URL's host and starts with the whole URL:
    /// <c>{public_base_url}/{bucket}/{key}?X-Amz-…</c>, a path in it being a prefix that the reverse
    /// proxy in front of the store strips (the signature covers <c>/{bucket}/{key}</c>).
    /// </summary>
    public async Task<Uri> PresignAsync(string bucket, string key, int days, string? publicBaseUrl)
    {
        var publicBase = publicBaseUrl is { Length: > 0 } ? new Uri(publicBaseUrl) : null;
        var signer = publicBase is null ? _client : PublicSigner(publicBase);
        if (signer is null)
        {
            throw new InvalidOperationException("no object store is configured (connection string 'objects')");
        }

        var url = await signer.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Protocol = publicBase is null ? _protocol : ProtocolOf(publicBase.Scheme),
            Expires = _time.GetUtcNow().UtcDateTime.AddDays(days),
        });
        return publicBase is null ? new Uri(url) : new Uri(publicBase.AbsoluteUri.TrimEnd('/') + new Uri(url).PathAndQuery);
    }

    private AmazonS3Client? PublicSigner(Uri publicBase) => _credentials is null
        ? null
        : _publicSigners.GetOrAdd(publicBase.GetLeftPart(UriPartial.Authority), authority => new AmazonS3Client(_credentials, new AmazonS3Config
        {
            ServiceURL = authority,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        }));

    private static Protocol ProtocolOf(string scheme) => string.Equals(scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? Protocol.HTTPS : Protocol.HTTP;

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

    public void Dispose()
    {
        _client?.Dispose();
        foreach (var signer in _publicSigners.Values)
        {
            signer.Dispose();
        }
    }
}
