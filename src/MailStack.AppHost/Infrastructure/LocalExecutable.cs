namespace MailStack.AppHost.Infrastructure;

/// <summary>Paths of the launch scripts that run infrastructure as local executables.</summary>
internal static class LocalExecutable
{
    public static string Script(IDistributedApplicationBuilder builder, string name) =>
        Path.Combine(builder.AppHostDirectory, "Infrastructure", "Local", name);
}
