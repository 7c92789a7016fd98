using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailStack.Sink.Hosting;
using Microsoft.Extensions.Options;

namespace MailStack.Sink.Smtp;

/// <summary>The certificate for STARTTLS and SMTPS: the configured PFX, or a self-signed one made at start.</summary>
public sealed class SinkCertificate : IDisposable
{
    public SinkCertificate(IOptions<MailSinkOptions> options)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.EnableTls)
        {
            return;
        }

        Certificate = smtp.CertificatePath is { Length: > 0 } path
            ? X509CertificateLoader.LoadPkcs12FromFile(path, smtp.CertificatePassword)
            : CreateSelfSigned(smtp.HostName);
        // Built once: given the bare certificate, SslStream builds its chain again at every handshake.
        Context = SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>Null when TLS is disabled.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The certificate with its chain, for STARTTLS handshakes; null when TLS is disabled.</summary>
    public SslStreamCertificateContext? Context { get; }

    public void Dispose() => Certificate?.Dispose();

    private static X509Certificate2 CreateSelfSigned(string hostName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        if (OperatingSystem.IsLinux())
        {
            // OpenSSL uses the key as it is; the PKCS#12 round trip below costs thousands of key
            // derivation hashes, which an in-process sink per test pays at every start.
            return certificate;
        }

        // Elsewhere SslStream cannot use an ephemeral key: round-trip through PKCS#12.
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }
}
