using System.Diagnostics;

namespace FluxAspire.Bench;

/// <summary>Memory and CPU of a process (Linux /proc for the peak resident set).</summary>
internal sealed record ProcessStats(string Name, long ResidentBytes, long PeakResidentBytes, TimeSpan Cpu)
{
    public static ProcessStats? Read(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Refresh();
            var peak = process.PeakWorkingSet64;
            var status = $"/proc/{pid}/status";
            if (File.Exists(status))
            {
                var hwm = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (hwm is not null && long.TryParse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb))
                {
                    peak = kb * 1024;
                }
            }

            return new ProcessStats(process.ProcessName, process.WorkingSet64, peak, process.TotalProcessorTime);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts a new peak: Linux resets VmHWM to the current resident set when "5" is written to clear_refs (kernel 4.0+,
    /// same user). False where that is not possible; the peak then covers the process's whole life.
    /// </summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
