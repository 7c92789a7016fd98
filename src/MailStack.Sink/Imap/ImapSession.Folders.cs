using MailStack.Sink.Client;
using MailStack.Sink.Smtp;
using MailStack.Sink.Storage;

namespace MailStack.Sink.Imap;

/// <summary>Folder commands: SELECT/EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE, LIST/LSUB, STATUS, NAMESPACE, APPEND, CLOSE/UNSELECT, IDLE.</summary>
internal sealed partial class ImapSession
{
    private const string SystemFlags = @"\Answered \Flagged \Deleted \Seen \Draft";

    private async Task<ImapCompletion> SelectAsync(ImapArguments args, bool readOnly, CancellationToken cancellationToken)
    {
        var name = args.AString();
        args.End();

        // RFC 3501: a failed SELECT leaves no mailbox selected.
        _selected = null;
        _state = ImapState.Authenticated;
        if (await ChaosAsync(ChaosStage.ImapSelect, _account!.Address, cancellationToken) is { } injected)
        {
            return injected;
        }

        if (_directory.Find(_account, name) is not { } folder)
        {
            return ImapCompletion.No($"Mailbox doesn't exist: {name}", ResponseCode.Nonexistent);
        }

        var changes = _directory.ChangesSince(folder, 0, 0, -1);
        var view = new SelectedFolder(folder, readOnly, changes.UidValidity)
        {
            ModSeq = changes.ModSeq,
            ExpungeVersion = changes.ExpungeVersion,
            Version = changes.Version,
            HighestUid = changes.Added.Count > 0 ? changes.Added[^1].Uid : 0,
        };
        view.Uids.AddRange(changes.Added.Select(e => e.Uid));
        var firstUnseen = changes.Added.Select((e, i) => (e, i)).FirstOrDefault(x => !x.e.Message.Read);
        var (_, _, uidNext, _) = _directory.Status(folder);

        _out.Untagged($"FLAGS ({SystemFlags})");
        _out.Untagged($"OK [{ResponseCode.PermanentFlags(readOnly ? "" : SystemFlags + @" \*")}] Flags permitted");
        _out.Raw("* ").Number(view.Uids.Count).Raw(" EXISTS").Line();
        _out.Untagged("0 RECENT");
        if (firstUnseen.e is not null)
        {
            _out.Untagged($"OK [{ResponseCode.Unseen(firstUnseen.i + 1)}] First unseen");
        }

        _out.Untagged($"OK [{ResponseCode.UidValidity(view.UidValidity)}] UIDs valid");
        _out.Untagged($"OK [{ResponseCode.UidNext(Math.Max(uidNext, view.HighestUid + 1))}] Predicted next UID");
        _selected = view;
        _state = ImapState.Selected;
        return readOnly
            ? ImapCompletion.Ok("EXAMINE completed", ResponseCode.ReadOnly)
            : ImapCompletion.Ok("SELECT completed", ResponseCode.ReadWrite);
    }

    private ImapCompletion CreateFolder(ImapArguments args)
    {
        var name = args.AString();
        args.End();
        return _directory.Create(_account!, name) switch
        {
            FolderChange.Done => ImapCompletion.Ok("CREATE completed"),
            FolderChange.AlreadyExists => ImapCompletion.No("Mailbox already exists", ResponseCode.AlreadyExists),
            _ => ImapCompletion.No("Invalid mailbox name", ResponseCode.Cannot),
        };
    }

    private ImapCompletion DeleteFolder(ImapArguments args)
    {
        var name = args.AString();
        args.End();
        return _directory.Delete(_account!, name) switch
        {
            FolderChange.Done => ImapCompletion.Ok("DELETE completed"),
            FolderChange.NotFound => ImapCompletion.No("Mailbox doesn't exist", ResponseCode.Nonexistent),
            _ => ImapCompletion.No("INBOX cannot be deleted", ResponseCode.Cannot),
        };
    }

    private ImapCompletion RenameFolder(ImapArguments args)
    {
        var from = args.AString();
        args.Space();
        var to = args.AString();
        args.End();
        return _directory.Rename(_account!, from, to) switch
        {
            FolderChange.Done => ImapCompletion.Ok("RENAME completed"),
            FolderChange.NotFound => ImapCompletion.No("Mailbox doesn't exist", ResponseCode.Nonexistent),
            FolderChange.AlreadyExists => ImapCompletion.No("Target mailbox already exists", ResponseCode.AlreadyExists),
            _ => ImapCompletion.No("INBOX cannot be renamed here", ResponseCode.Cannot),
        };
    }

    private ImapCompletion Subscribe(ImapArguments args, bool subscribe)
    {
        var name = args.AString();
        args.End();
        _directory.Subscribe(_account!, name, subscribe);
        return ImapCompletion.Ok(subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
    }

    private ImapCompletion List(ImapArguments args, bool subscribedOnly)
    {
        var reference = args.AString();
        args.Space();
        var pattern = args.ListMailbox();
        args.End();
        var command = subscribedOnly ? "LSUB" : "LIST";
        if (pattern.Length == 0)
        {
            // RFC 3501 6.3.8: an empty pattern asks for the delimiter and root.
            _out.Untagged($"{command} (\\Noselect) \"{MailboxPattern.Delimiter}\" \"\"");
            return ImapCompletion.Ok($"{command} completed");
        }

        var matcher = new MailboxPattern(reference, pattern);
        var folders = _directory.Folders(_account!);
        var names = subscribedOnly ? _directory.Subscriptions(_account!) : folders.Select(f => f.Name).ToList();
        foreach (var name in names.Where(matcher.Matches))
        {
            var hasChildren = folders.Any(f => f.Name.StartsWith(name + MailboxPattern.Delimiter, StringComparison.Ordinal));
            var attributes = hasChildren ? @"\HasChildren" : @"\HasNoChildren";
            if (subscribedOnly && folders.All(f => f.Name != name))
            {
                attributes = @"\Noselect";
            }

            _out.Raw("* ").Raw(command).Raw(" (").Raw(attributes).Raw(") \"/\" ").String(name).Line();
        }

        return ImapCompletion.Ok($"{command} completed");
    }

    private ImapCompletion Status(ImapArguments args)
    {
        var name = args.AString();
        args.Space();
        args.Expect('(');
        var items = new List<string>();
        while (!args.TryConsume(')'))
        {
            if (items.Count > 0)
            {
                args.Space();
            }

            items.Add(args.Atom().ToUpperInvariant());
        }

        args.End();
        if (_directory.Find(_account!, name) is not { } folder)
        {
            return ImapCompletion.No($"Mailbox doesn't exist: {name}", ResponseCode.Nonexistent);
        }

        var (messages, unseen, uidNext, uidValidity) = _directory.Status(folder);
        var values = items.Select(item => item switch
        {
            "MESSAGES" => $"MESSAGES {messages}",
            "RECENT" => "RECENT 0",
            "UIDNEXT" => $"UIDNEXT {uidNext}",
            "UIDVALIDITY" => $"UIDVALIDITY {uidValidity}",
            "UNSEEN" => $"UNSEEN {unseen}",
            _ => throw new ImapSyntaxException($"Unknown status item '{item}'"),
        }).ToList();
        _out.Raw("* STATUS ").String(folder.Name).Raw(" (").Raw(string.Join(' ', values)).Raw(")").Line();
        return ImapCompletion.Ok("STATUS completed");
    }

    private ImapCompletion Namespace(ImapArguments args)
    {
        args.End();
        _out.Untagged($"NAMESPACE ((\"\" \"{MailboxPattern.Delimiter}\")) NIL NIL");
        return ImapCompletion.Ok("NAMESPACE completed");
    }

    /// <summary>APPEND: stores the literal byte for byte, visible in the API, its search and events.</summary>
    private ImapCompletion Append(ImapArguments args)
    {
        var name = args.AString();
        args.Space();
        var flags = MessageFlagSet.None;
        IReadOnlyList<string> keywords = [];
        if (args.Peek() == '(')
        {
            (flags, keywords) = ParseFlagList(args);
            args.Space();
        }

        if (args.Peek() == '"')
        {
            // A date-time is accepted, but INTERNALDATE stays the arrival time (as for SMTP mail).
            args.Quoted();
            args.Space();
        }

        var raw = args.StringBytes();
        args.End();
        if (_directory.Find(_account!, name) is not { } folder)
        {
            return ImapCompletion.No($"Mailbox doesn't exist: {name}", ResponseCode.TryCreate);
        }

        if (raw.Length == 0)
        {
            return ImapCompletion.No("Empty message", ResponseCode.Parse);
        }

        var (_, summary) = MessageIngestion.Prepare(new Envelope("", []), raw, raw.Length, _hostName);
        var (uidValidity, uid) = _directory.Append(_account!, folder, raw, summary, flags, keywords);
        ImapTelemetry.MessagesAppended.Add(1);
        SmtpTelemetry.BytesAccepted.Add(raw.Length);
        return ImapCompletion.Ok("APPEND completed", ResponseCode.AppendUid(uidValidity, uid));
    }

    private ImapCompletion Close(ImapArguments args, bool expunge)
    {
        args.End();
        var view = _selected!;
        if (expunge && !view.ReadOnly)
        {
            _directory.Expunge(view.Folder, _directory.Entries(view.Folder).Where(e => (e.Flags & MessageFlagSet.Deleted) != 0).ToList());
        }

        _selected = null;
        _state = ImapState.Authenticated;
        return ImapCompletion.Ok(expunge ? "CLOSE completed" : "UNSELECT completed");
    }

    /// <summary>
    /// IDLE (RFC 2177): changes to the selected folder are pushed as they happen — the session
    /// waits on the folder's change signal and on the client's DONE at once.
    /// </summary>
    private async Task<ImapCompletion> IdleAsync(ImapArguments args, CancellationToken cancellationToken)
    {
        args.End();
        _out.Raw("+ idling").Line();
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.AutoLogoutTimeout);
        // The pending read stays the same across wake-ups: a pipe reader allows one read at a time.
        var done = _reader.ReadLineAsync(() => ValueTask.CompletedTask, idle.Token).AsTask();
        while (true)
        {
            if (!await SyncAsync(allowExpunge: true, cancellationToken))
            {
                return SessionEnded;
            }

            await _out.FlushAsync(cancellationToken);
            var changed = _selected is { } view
                ? _directory.WaitForChangeAsync(view.Folder, view.Version, CancellationToken.None)
                : Task.Delay(Timeout.Infinite, idle.Token);
            await Task.WhenAny(done, changed);
            if (!done.IsCompleted)
            {
                continue;
            }

            (LineStatus Status, string Line) line;
            try
            {
                line = await done;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException("auto-logout during IDLE");
            }

            if (line.Status == LineStatus.EndOfStream)
            {
                return SessionEnded;
            }

            return string.Equals(line.Line.Trim(), "DONE", StringComparison.OrdinalIgnoreCase)
                ? ImapCompletion.Ok("IDLE terminated")
                : ImapCompletion.Bad("Expected DONE");
        }
    }
}
