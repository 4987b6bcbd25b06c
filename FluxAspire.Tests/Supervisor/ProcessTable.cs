using System.Runtime.InteropServices;

namespace FluxAspire.Tests.Supervisor;

/// <summary>Linux processes by pid, read from /proc, and kill(2) to signal processes that are not ours.</summary>
internal static class ProcessTable
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>No such process, or only its zombie is left (dead, waiting to be reaped by whoever inherited it).</summary>
    public static bool IsGone(int pid) => State(pid) is null or 'Z' or 'X';

    public static int ParentOf(int pid) => int.Parse(AfterName(pid)?.Split(' ')[1] ?? throw new InvalidOperationException($"no process {pid}"));

    public static string? NameOf(int pid) => Read($"/proc/{pid}/comm")?.Trim();

    /// <summary>The variable's value in the process's environment (as it was started), or null.</summary>
    public static string? EnvironmentOf(int pid, string name) => Read($"/proc/{pid}/environ")?.Split('\0')
        .FirstOrDefault(entry => entry.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    /// <summary>Its command line, one argument per item.</summary>
    public static IReadOnlyList<string> ArgumentsOf(int pid) => Read($"/proc/{pid}/cmdline")?.TrimEnd('\0').Split('\0') ?? [];

    public static Task<bool> WaitUntilGoneAsync(int pid, TimeSpan timeout) => Eventually.TryUntilAsync(() => IsGone(pid), timeout);

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static char? State(int pid) => AfterName(pid)?[0];

    // /proc/<pid>/stat is "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split after the last ')'.
    private static string? AfterName(int pid) => Read($"/proc/{pid}/stat") is { } stat ? stat[(stat.LastIndexOf(')') + 2)..] : null;

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
