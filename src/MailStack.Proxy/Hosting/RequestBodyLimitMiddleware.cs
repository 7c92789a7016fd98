using MailStack.Proxy.Model;
using Microsoft.AspNetCore.Http.Features;

namespace MailStack.Proxy.Hosting;

/// <summary>
/// Enforces <c>Proxy:MaxRequestBytes</c> so that an ordinary client can read the refusal. Kestrel's
/// own limit resets the connection mid-upload unless the client sent <c>Expect: 100-continue</c>;
/// here a body announced too large is answered 413 at once, and what the client still sends is
/// read and discarded (bounded), so it reaches the end of its upload and then reads the 413.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IConfiguration configuration, ILogger<RequestBodyLimitMiddleware> logger)
{
    public const string MaxRequestBytesKey = "Proxy:MaxRequestBytes";
    public const long DefaultMaxRequestBytes = 8L * 1024 * 1024;

    /// <summary>Discarding stops (and the connection is closed) after this much more than the limit, or this long.</summary>
    private const int DrainFactor = 8;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly long _limit = configuration.GetValue(MaxRequestBytesKey, DefaultMaxRequestBytes);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit)
        {
            kestrelLimit.MaxRequestBodySize = null; // enforced below, readably
        }

        if (context.Request.ContentLength > _limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.Response.WriteAsJsonAsync(new ApiError(TooLarge), WireJson.Options, context.RequestAborted);
            await context.Response.CompleteAsync();
            // A client that asked for 100-continue got the answer instead and sends no body.
            if (!context.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
            {
                await DrainAsync(context);
            }

            return;
        }

        // A chunked body has no length up front: it is counted as it is read.
        var limited = new LimitedReadStream(context.Request.Body, _limit, TooLarge);
        context.Request.Body = limited;
        await next(context);
        if (limited.Exceeded)
        {
            await DrainAsync(context);
        }
    }

    private string TooLarge => $"request body too large (at most {_limit} bytes)";

    private async Task DrainAsync(HttpContext context)
    {
        var body = context.Request.Body is LimitedReadStream limited ? limited.Inner : context.Request.Body;
        var buffer = new byte[64 * 1024];
        long drained = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(DrainTimeout);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
            {
                drained += read;
                if (drained > _limit * DrainFactor)
                {
                    context.Abort();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            logger.LogDebug("Stopped discarding an oversized request body: {Reason}", ex.Message);
            context.Abort();
        }
    }
}
