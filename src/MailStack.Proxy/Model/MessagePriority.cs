namespace MailStack.Proxy.Model;

/// <summary>Dispatch order: every level goes out before the next. Stored as its number (0–3).</summary>
public enum MessagePriority
{
    Immediate = 0,
    High = 1,
    Medium = 2,
    Low = 3,
}
