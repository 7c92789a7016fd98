using MailStack.Sink.Client;
using MailStack.Sink.Chaos;

namespace MailStack.Sink.Api;

/// <summary><c>GET/PUT /api/v1/chaos</c>: Mailpit's triggers plus the extended rules, seed and presets.</summary>
internal static class ChaosApi
{
    public static void MapChaosApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/chaos", (ChaosEngine chaos) => Results.Ok(chaos.Current));
        app.MapPut("/api/v1/chaos", async (ChaosEngine chaos, HttpRequest request) =>
        {
            var (body, error) = await ApiResults.ReadOptionalJsonAsync<ChaosSettings>(request);
            if (error is not null)
            {
                return error;
            }

            // Mailpit: omitted triggers reset to probability 0 — a new settings object does exactly that.
            var settings = body ?? new ChaosSettings();
            foreach (var trigger in new[] { settings.Sender, settings.Recipient, settings.Authentication })
            {
                if (trigger is null)
                {
                    return ApiResults.BadRequest("Sender, Recipient and Authentication must be objects when given");
                }

                if (trigger.Probability is < 0 or > 100 || trigger.ErrorCode is < 400 or > 599)
                {
                    return ApiResults.BadRequest("a trigger needs Probability 0-100 and ErrorCode 400-599");
                }
            }

            foreach (var rule in settings.Rules ?? [])
            {
                if (rule.Code is < 200 or > 599 || rule.Probability is < 0 or > 100 || rule.DelayMilliseconds < 0)
                {
                    return ApiResults.BadRequest("a rule needs Code 200-599, Probability 0-100 and a non-negative DelayMilliseconds");
                }
            }

            settings.Rules ??= [];
            try
            {
                chaos.Apply(settings);
            }
            catch (ArgumentException ex)
            {
                return ApiResults.BadRequest(ex.Message);
            }

            return Results.Ok(chaos.Current);
        });
    }
}
