using System.Runtime.InteropServices;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>kill(2), which .NET does not expose: signals to a whole process group, and SIGTERM (Process.Kill only sends SIGKILL).</summary>
internal static class PosixSignals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends <paramref name="signal"/> to the process group led by <paramref name="groupLeader"/>; false when none is left.</summary>
    public static bool SendToGroup(int groupLeader, int signal) => Kill(-groupLeader, signal) == 0;

    public static bool Send(int processId, int signal) => Kill(processId, signal) == 0;

    // DllImport rather than LibraryImport: with blittable arguments it needs no marshalling code, and no unsafe blocks.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
