namespace Aspire.Hosting;

/// <summary>Finds a command on PATH without starting it.</summary>
internal static class ExecutableSearch
{
    public static string? Find(string command)
    {
        if (Path.IsPathRooted(command))
        {
            return File.Exists(command) ? command : null;
        }

        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd", ".bat", "" } : [""];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => extensions.Select(ext => Path.Combine(dir, command + ext)))
            .FirstOrDefault(File.Exists);
    }
}
