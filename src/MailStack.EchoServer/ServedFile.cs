namespace MailStack.EchoServer;

/// <summary>A file the echo server serves to the proxy: its bytes and how to answer (status, delay, the Authorization it demands).</summary>
public sealed record ServedFile(byte[] Bytes, int Status, int DelayMilliseconds, string? RequiredAuthorization);
