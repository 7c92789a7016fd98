using System.Diagnostics;
using System.Globalization;

namespace MailStack.Testing;

/// <summary>
/// Process trees on Linux, read from /proc: ends them at once, reading every parent link a single
/// time (where <see cref="Process.Kill(bool)"/> scans /proc again for every process), and names a
/// process's children.
/// </summary>
public static class ProcessTrees
{
    /// <summary>The processes whose parent is <paramref name="id"/> now.</summary>
    public static IReadOnlyList<int> ChildrenOf(int id) => [.. ReadParents().Where(p => p.Parent == id).Select(p => p.Id)];

    /// <summary>
    /// SIGTERM to each of <paramref name="ids"/>, as a service manager stops a service. One gone
    /// meanwhile makes kill say "No such process" (the others are signalled): kept out of the test's output.
    /// </summary>
    public static async Task TerminateAsync(IEnumerable<int> ids)
    {
        var start = new ProcessStartInfo("kill") { RedirectStandardError = true };
        start.ArgumentList.Add("-TERM");
        foreach (var id in ids)
        {
            start.ArgumentList.Add(id.ToString(CultureInfo.InvariantCulture));
        }

        using var kill = Process.Start(start)!;
        await kill.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>SIGKILLs each root and descendant, then waits until they are gone (at most <paramref name="timeout"/>).</summary>
    public static async Task KillAsync(IReadOnlyCollection<int> roots, TimeSpan timeout)
    {
        var children = ReadParents().ToLookup(p => p.Parent, p => p.Id);
        var doomed = new HashSet<int>();
        var pending = new Queue<int>(roots);
        while (pending.TryDequeue(out var id))
        {
            if (doomed.Add(id))
            {
                foreach (var child in children[id])
                {
                    pending.Enqueue(child);
                }
            }
        }

        foreach (var id in doomed)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }

        // Await the condition (every process gone), bounded: a stop must not hang on one that lingers.
        var deadline = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (doomed.Any(IsRunning) && deadline.Elapsed < timeout)
        {
            await poll.WaitForNextTickAsync();
        }
    }

    private static IEnumerable<(int Id, int Parent)> ReadParents()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && Stat(id) is { } stat
                && int.TryParse(stat[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            {
                yield return (id, parent);
            }
        }
    }

    /// <summary>Alive and not a zombie waiting for its parent to reap it.</summary>
    private static bool IsRunning(int id) => Stat(id) is { } stat && stat[0] != "Z";

    /// <summary>The fields of /proc/ID/stat after the command name: state, parent id, ….</summary>
    private static string[]? Stat(int id)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{id}/stat");
            // The command name is in parentheses and may itself contain spaces or parentheses.
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
