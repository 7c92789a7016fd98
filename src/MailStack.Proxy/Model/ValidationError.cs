namespace MailStack.Proxy.Model;

/// <summary>One failed field, as FastAPI reports it: where (<c>["body","port"]</c>), what, and the error type.</summary>
public sealed record ValidationError(string[] Loc, string Msg, string Type = "value_error")
{
    public static ValidationError Missing(params string[] loc) => new(loc, "field required", "value_error.missing");
}
