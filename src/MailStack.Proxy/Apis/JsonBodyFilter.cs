namespace MailStack.Proxy.Apis;

/// <summary>Answers an unreadable body (<see cref="IJsonBody.Error"/>) before the handler runs.</summary>
public sealed class JsonBodyFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is IJsonBody { Error: { } error })
            {
                return error;
            }
        }

        return await next(context);
    }
}
