namespace MailStack.Proxy.Bounces.Parsing;

/// <summary>Bounce parsing: the <see cref="BounceParser"/> (stateless, one for the process).</summary>
public static class BounceParsingServiceCollectionExtensions
{
    public static IServiceCollection AddBounceParsing(this IServiceCollection services)
    {
        services.AddSingleton<BounceParser>();
        return services;
    }
}
