namespace MailStack.Proxy.Apis;

/// <summary>A bound request body, or why it could not be read.</summary>
public interface IJsonBody
{
    object? Value { get; }

    IResult? Error { get; }
}
