using MailStack.Sink.Client;
using MailStack.Sink.Chaos;

namespace MailStack.Sink.Api;

/// <summary><c>GET/PUT /api/v1/chaos</c>: Mailpit's triggers plus the extended rules, seed and presets.</summary>
internal static partial class ChaosApi
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

                if (BounceRuleError(rule) is { } bounceError)
                {
                    return ApiResults.BadRequest(bounceError);
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

    /// <summary>A bounce happens to accepted mail: at a stage that names recipients, with an RFC 3463 status.</summary>
    private static string? BounceRuleError(ChaosRule rule)
    {
        if (rule.Action != ChaosAction.Bounce)
        {
            return rule.Bounce is null ? null : "Bounce is only for rules with Action bounce";
        }

        if (rule.Stage is not (ChaosStage.Mail or ChaosStage.Rcpt or ChaosStage.Data or ChaosStage.DataEnd))
        {
            return "a bounce rule needs Stage mail, rcpt, data or data-end";
        }

        return rule.Bounce?.Status is { } status && !StatusPattern().IsMatch(status)
            ? $"Bounce.Status '{status}' is not an RFC 3463 status (class.subject.detail, e.g. 5.1.1)"
            : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[245]\.\d{1,3}\.\d{1,3}$")]
    private static partial System.Text.RegularExpressions.Regex StatusPattern();
}
