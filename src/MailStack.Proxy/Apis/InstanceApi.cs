using MailStack.Proxy.Bounces;
using MailStack.Proxy.Model;
using MailStack.Proxy.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailStack.Proxy.Apis;

/// <summary>The instance's settings (bounce mailbox, return path) and restarting the bounce receiver with them: admin only, as in genro v0.6.9.</summary>
public static class InstanceApi
{
    public static IEndpointRouteBuilder MapInstanceApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapAdminGroup("Instance");
        admin.MapGet("/instance", GetAsync).WithSummary("The instance's settings (the IMAP password is never returned) and the bounce receiver's position");
        admin.MapPut("/instance", UpdateAsync).Produces<ValidationErrors>(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Change the fields given; bounce settings take effect on reload-bounce");
        admin.MapPost("/instance/reload-bounce", ReloadAsync).Produces<ApiError>(StatusCodes.Status400BadRequest)
            .WithSummary("Restart the bounce receiver with the stored settings (stops it when bounces are disabled)");
        return app;
    }

    private static async Task<Ok<InstanceRecord>> GetAsync(InstanceStore instance, CancellationToken cancellationToken) =>
        TypedResults.Ok(await instance.GetAsync(cancellationToken));

    private static async Task<Results<Ok<OkResponse>, UnprocessableEntity<ValidationErrors>>> UpdateAsync(JsonBody<InstancePayload> body, InstanceStore instance, CancellationToken cancellationToken)
    {
        if (body.Value.Validate() is { } invalid)
        {
            return ApiErrors.Validation(invalid);
        }

        await instance.UpdateAsync(body.Value, SettingsSource.Api, cancellationToken);
        return TypedResults.Ok(OkResponse.Instance);
    }

    /// <summary>As genro: enabled without a host is a 400; disabled stops the receiver.</summary>
    private static async Task<Results<Ok<OkResponse>, BadRequest<ApiError>>> ReloadAsync(InstanceStore instance, BounceReload reload, CancellationToken cancellationToken)
    {
        var settings = await instance.BounceSettingsAsync(cancellationToken);
        if (settings.Enabled && settings.Host is not { Length: > 0 })
        {
            return ApiErrors.BadRequest("Bounce enabled but imap_host not configured");
        }

        reload.Request();
        return TypedResults.Ok(OkResponse.Instance);
    }
}
