namespace MailStack.Proxy.Model;

/// <summary>A 422 body: <c>{"detail":[{loc, msg, type}]}</c>.</summary>
public sealed record ValidationErrors(IReadOnlyList<ValidationError> Detail)
{
    public ValidationErrors(ValidationError error)
        : this([error])
    {
    }
}
