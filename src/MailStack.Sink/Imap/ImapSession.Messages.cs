using System.Globalization;
using System.Text;
using MailStack.Sink.Client;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Imap;

/// <summary>Message commands on the selected folder: FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE and their UID forms.</summary>
internal sealed partial class ImapSession
{
    private async Task<ImapCompletion> UidAsync(ImapArguments args, CancellationToken cancellationToken)
    {
        var name = args.Atom().ToUpperInvariant();
        args.Space();
        return name switch
        {
            "FETCH" => await FetchAsync(args, byUid: true, cancellationToken),
            "SEARCH" => Search(args, byUid: true),
            "STORE" => Store(args, byUid: true),
            "COPY" or "MOVE" => Copy(args, byUid: true, move: name == "MOVE"),
            "EXPUNGE" => Expunge(args, byUid: true),
            _ => ImapCompletion.Bad($"Unknown UID command {name}"),
        };
    }

    /// <summary>Resolves a set to (sequence number, UID) pairs of this client's view, ascending.</summary>
    private List<(uint Sequence, uint Uid)> Resolve(string setText, bool byUid)
    {
        var view = _selected!;
        var set = SequenceSet.Parse(setText);
        var count = (uint)view.Uids.Count;
        if (!byUid && set.HighestExplicit > count)
        {
            throw new ImapSyntaxException($"Invalid message sequence number: {set.HighestExplicit} (the mailbox has {count})");
        }

        var largest = byUid ? view.LargestUid : count;
        var result = new List<(uint, uint)>();
        for (var i = 0; i < view.Uids.Count; i++)
        {
            var uid = view.Uids[i];
            if (set.Contains(byUid ? uid : (uint)i + 1, largest))
            {
                result.Add(((uint)i + 1, uid));
            }
        }

        return result;
    }

    private async Task<ImapCompletion> FetchAsync(ImapArguments args, bool byUid, CancellationToken cancellationToken)
    {
        var setText = args.SequenceSetText();
        args.Space();
        var items = FetchItem.ParseList(args);
        args.End();
        if (await ChaosAsync(ChaosStage.ImapFetch, _account!.Address, cancellationToken) is { } injected)
        {
            return injected;
        }

        var view = _selected!;
        var targets = Resolve(setText, byUid);
        var entries = _directory.Find(view.Folder, targets.Select(t => t.Uid).ToList());
        if (!view.ReadOnly && items.Any(i => i.SetsSeen))
        {
            var unseen = entries.OfType<FolderEntry>().Where(e => !e.Message.Read).ToList();
            if (unseen.Count > 0)
            {
                _directory.SetFlags(view.Folder, unseen, FlagOperation.Add, MessageFlagSet.Seen, []);
            }
        }

        var withFlags = !view.ReadOnly && items.Any(i => i.SetsSeen) && items.All(i => i.Attribute != FetchAttribute.Flags);
        for (var i = 0; i < targets.Count; i++)
        {
            if (entries[i] is not { } entry)
            {
                continue; // expunged by another session; its EXPUNGE comes later
            }

            WriteFetch(targets[i].Sequence, entry, items, byUid, withFlags);
            await _out.FlushIfLargeAsync(cancellationToken);
        }

        ImapTelemetry.MessagesFetched.Add(targets.Count);
        return ImapCompletion.Ok(byUid ? "UID FETCH completed" : "FETCH completed");
    }

    private void WriteFetch(uint sequence, FolderEntry entry, IReadOnlyList<FetchItem> items, bool byUid, bool withFlags)
    {
        _out.Raw("* ").Number(sequence).Raw(" FETCH (");
        var first = true;
        void Next(string name)
        {
            _out.Raw(first ? "" : " ").Raw(name);
            first = false;
        }

        if (byUid && items.All(i => i.Attribute != FetchAttribute.Uid))
        {
            Next("UID ");
            _out.Number(entry.Uid);
        }

        foreach (var item in items)
        {
            switch (item.Attribute)
            {
                case FetchAttribute.Uid:
                    Next("UID ");
                    _out.Number(entry.Uid);
                    break;
                case FetchAttribute.Flags:
                    Next("FLAGS (");
                    _out.Raw(FlagList(entry)).Raw(")");
                    break;
                case FetchAttribute.InternalDate:
                    Next("INTERNALDATE \"");
                    _out.Raw(entry.Message.Received.UtcDateTime.ToString("dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture)).Raw(" +0000\"");
                    break;
                case FetchAttribute.Rfc822Size:
                    Next("RFC822.SIZE ");
                    _out.Number(entry.Message.Raw.Length);
                    break;
                case FetchAttribute.Envelope:
                    Next("ENVELOPE ");
                    _out.Raw(ImapMessage.Of(entry.Message).Envelope);
                    break;
                case FetchAttribute.BodyStructure:
                    Next("BODYSTRUCTURE ");
                    _out.Raw(ImapMessage.Of(entry.Message).BodyStructure);
                    break;
                case FetchAttribute.Body:
                    Next("BODY ");
                    _out.Raw(ImapMessage.Of(entry.Message).Body);
                    break;
                case FetchAttribute.Rfc822:
                    Next("RFC822 ");
                    _out.Literal(entry.Message.Raw);
                    break;
                case FetchAttribute.Rfc822Header:
                    Next("RFC822.HEADER ");
                    _out.Literal(ImapMessage.Of(entry.Message).Section(BodySection.Header)!.Value.Span);
                    break;
                case FetchAttribute.Rfc822Text:
                    Next("RFC822.TEXT ");
                    _out.Literal(ImapMessage.Of(entry.Message).Section(BodySection.Text)!.Value.Span);
                    break;
                case FetchAttribute.Section:
                    WriteSection(entry, item, Next);
                    break;
            }
        }

        if (withFlags)
        {
            Next("FLAGS (");
            _out.Raw(FlagList(entry)).Raw(")");
        }

        _out.Raw(")").Line();
    }

    /// <summary>
    /// <c>BODY[section]&lt;origin&gt; {n}</c>: a partial fetch echoes its origin and answers with exactly
    /// the bytes there are (fewer at the end, none past it); a missing part is NIL.
    /// </summary>
    private void WriteSection(FolderEntry entry, FetchItem item, Action<string> next)
    {
        var section = item.Section!;
        next("BODY[");
        _out.Raw(section.Label).Raw("]");
        if (ImapMessage.Of(entry.Message).Section(section) is not { } bytes)
        {
            _out.Raw(item.Origin is { } o ? $"<{o}>" : "").Raw(" NIL");
            return;
        }

        if (item.Origin is { } origin)
        {
            var start = (int)Math.Min(origin, (uint)bytes.Length);
            var length = (int)Math.Min(item.Length!.Value, (uint)(bytes.Length - start));
            bytes = bytes.Slice(start, length);
            _out.Raw("<").Number(origin).Raw(">");
        }

        _out.Raw(" ").Literal(bytes.Span);
    }

    private ImapCompletion Store(ImapArguments args, bool byUid)
    {
        var setText = args.SequenceSetText();
        args.Space();
        var what = args.Atom().ToUpperInvariant();
        args.Space();
        var (flags, keywords) = args.Peek() == '(' ? ParseFlagList(args) : ParseFlags(args);
        args.End();
        var operation = what switch
        {
            "FLAGS" or "FLAGS.SILENT" => FlagOperation.Replace,
            "+FLAGS" or "+FLAGS.SILENT" => FlagOperation.Add,
            "-FLAGS" or "-FLAGS.SILENT" => FlagOperation.Remove,
            _ => throw new ImapSyntaxException($"Invalid STORE item '{what}'"),
        };
        var view = _selected!;
        if (view.ReadOnly)
        {
            return ImapCompletion.No("Mailbox is read-only", ResponseCode.ReadOnly);
        }

        var targets = Resolve(setText, byUid);
        var entries = _directory.Find(view.Folder, targets.Select(t => t.Uid).ToList());
        _directory.SetFlags(view.Folder, entries.OfType<FolderEntry>().ToList(), operation, flags, keywords);
        if (!what.EndsWith(".SILENT", StringComparison.Ordinal))
        {
            for (var i = 0; i < targets.Count; i++)
            {
                if (entries[i] is { } entry)
                {
                    _out.Raw("* ").Number(targets[i].Sequence).Raw(" FETCH (").Raw(byUid ? $"UID {entry.Uid} " : "")
                        .Raw("FLAGS (").Raw(FlagList(entry)).Raw("))").Line();
                }
            }

            // Those changes are told; do not repeat them as unsolicited FETCHes.
            view.ModSeq = _directory.ModSeq(view.Folder);
        }

        return ImapCompletion.Ok(byUid ? "UID STORE completed" : "STORE completed");
    }

    private ImapCompletion Search(ImapArguments args, bool byUid)
    {
        var criteria = SearchCriteria.Parse(args);
        var view = _selected!;
        var entries = _directory.Find(view.Folder, view.Uids);
        var largestSequence = (uint)view.Uids.Count;
        var found = new StringBuilder("SEARCH");
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is { } entry && criteria.Matches(new SearchCandidate((uint)i + 1, entry, largestSequence, view.LargestUid)))
            {
                found.Append(' ').Append(byUid ? entry.Uid : (uint)i + 1);
            }
        }

        _out.Untagged(found.ToString());
        return ImapCompletion.Ok(byUid ? "UID SEARCH completed" : "SEARCH completed");
    }

    /// <summary>COPY / MOVE (RFC 6851) to another folder of the same account, answering COPYUID (RFC 4315).</summary>
    private ImapCompletion Copy(ImapArguments args, bool byUid, bool move)
    {
        var setText = args.SequenceSetText();
        args.Space();
        var name = args.AString();
        args.End();
        var view = _selected!;
        if (move && view.ReadOnly)
        {
            return ImapCompletion.No("Mailbox is read-only", ResponseCode.ReadOnly);
        }

        if (_directory.Find(_account!, name) is not { } target)
        {
            return ImapCompletion.No($"Mailbox doesn't exist: {name}", ResponseCode.TryCreate);
        }

        var targets = Resolve(setText, byUid);
        var entries = _directory.Find(view.Folder, targets.Select(t => t.Uid).ToList()).OfType<FolderEntry>().ToList();
        var copied = _directory.Copy(entries, target);
        var code = copied.SourceUids.Count == 0
            ? (ResponseCode?)null
            : ResponseCode.CopyUid(copied.UidValidity, SequenceSet.Format(copied.SourceUids), SequenceSet.Format(copied.TargetUids));
        if (!move)
        {
            return ImapCompletion.Ok("COPY completed", code);
        }

        if (code is { } c)
        {
            _out.Untagged($"OK [{c}] Moved");
        }

        _directory.Expunge(view.Folder, entries);
        return ImapCompletion.Ok("MOVE completed");
    }

    private ImapCompletion Expunge(ImapArguments args, bool byUid)
    {
        var uids = byUid ? Resolve(args.SequenceSetText(), byUid: true).Select(t => t.Uid).ToHashSet() : null;
        args.End();
        var view = _selected!;
        if (view.ReadOnly)
        {
            return ImapCompletion.No("Mailbox is read-only", ResponseCode.ReadOnly);
        }

        var doomed = _directory.Entries(view.Folder)
            .Where(e => (e.Flags & MessageFlagSet.Deleted) != 0 && (uids is null || uids.Contains(e.Uid)))
            .ToList();
        _directory.Expunge(view.Folder, doomed);
        return ImapCompletion.Ok(byUid ? "UID EXPUNGE completed" : "EXPUNGE completed");
    }

    private static string FlagList(FolderEntry entry)
    {
        var flags = entry.Flags;
        var text = new StringBuilder();
        void Add(MessageFlagSet flag, string name)
        {
            if ((flags & flag) != 0)
            {
                text.Append(text.Length > 0 ? " " : "").Append(name);
            }
        }

        Add(MessageFlagSet.Answered, @"\Answered");
        Add(MessageFlagSet.Flagged, @"\Flagged");
        Add(MessageFlagSet.Deleted, @"\Deleted");
        Add(MessageFlagSet.Seen, @"\Seen");
        Add(MessageFlagSet.Draft, @"\Draft");
        foreach (var keyword in entry.Keywords)
        {
            text.Append(text.Length > 0 ? " " : "").Append(keyword);
        }

        return text.ToString();
    }

    /// <summary><c>(\Seen $Forwarded)</c>.</summary>
    private static (MessageFlagSet Flags, IReadOnlyList<string> Keywords) ParseFlagList(ImapArguments args)
    {
        args.Expect('(');
        var flags = MessageFlagSet.None;
        var keywords = new List<string>();
        var first = true;
        while (!args.TryConsume(')'))
        {
            if (!first)
            {
                args.Space();
            }

            first = false;
            ParseFlag(args, ref flags, keywords);
        }

        return (flags, keywords);
    }

    /// <summary>STORE's unparenthesised form: flags separated by spaces to the end.</summary>
    private static (MessageFlagSet Flags, IReadOnlyList<string> Keywords) ParseFlags(ImapArguments args)
    {
        var flags = MessageFlagSet.None;
        var keywords = new List<string>();
        ParseFlag(args, ref flags, keywords);
        while (!args.AtEnd)
        {
            args.Space();
            ParseFlag(args, ref flags, keywords);
        }

        return (flags, keywords);
    }

    private static void ParseFlag(ImapArguments args, ref MessageFlagSet flags, List<string> keywords)
    {
        if (!args.TryConsume('\\'))
        {
            keywords.Add(args.Atom());
            return;
        }

        var name = args.Atom();
        flags |= name.ToUpperInvariant() switch
        {
            "SEEN" => MessageFlagSet.Seen,
            "ANSWERED" => MessageFlagSet.Answered,
            "FLAGGED" => MessageFlagSet.Flagged,
            "DELETED" => MessageFlagSet.Deleted,
            "DRAFT" => MessageFlagSet.Draft,
            "RECENT" => MessageFlagSet.None, // \Recent is the server's to set; ignored
            _ => throw new ImapSyntaxException($"Unknown system flag \\{name}"),
        };
    }
}
