namespace MailStack.Sink.Storage;

/// <summary>How STORE combines the given flags with an entry's flags.</summary>
public enum FlagOperation
{
    Replace,
    Add,
    Remove,
}
