using System.Text.Json;

namespace MailStack.Proxy.Model;

/// <summary>
/// POST /commands/add-messages. Items stay JSON here: each is parsed on its own
/// (<see cref="MessageParser"/>), so one bad item is rejected with a reason instead of failing the request.
/// </summary>
public sealed record AddMessagesRequest(IReadOnlyList<JsonElement>? Messages, int? DefaultPriority)
{
    public const int MaxMessages = 1000;
}
