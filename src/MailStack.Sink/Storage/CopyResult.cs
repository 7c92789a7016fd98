namespace MailStack.Sink.Storage;

/// <summary>UIDPLUS's COPYUID: the target's UIDVALIDITY and the UIDs before and after, pairwise.</summary>
public sealed record CopyResult(uint UidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> TargetUids);
