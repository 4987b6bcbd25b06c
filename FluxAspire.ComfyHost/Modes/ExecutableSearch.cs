namespace Aspire.Hosting;

/// <summary>Finds a command without starting it; the one PATH search of the AppHost and its ComfyUI and Redis choices.</summary>
public static class ExecutableSearch
{
    /// <summary>
    /// The full path of <paramref name="command"/>: a path (anything with a folder in it) when that file exists, a bare name
    /// as found on PATH (with Windows' executable extensions there); <see langword="null"/> when there is no such file.
    /// </summary>
    /// <param name="command">A command name such as <c>docker</c>, or a path such as <c>/usr/bin/redis-server</c>.</param>
    public static string? Find(string command)
    {
        if (Path.IsPathRooted(command) || command.Contains(Path.DirectorySeparatorChar) || command.Contains(Path.AltDirectorySeparatorChar))
        {
            return File.Exists(command) ? Path.GetFullPath(command) : null;
        }

        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd", ".bat", "" } : [""];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => extensions.Select(ext => Path.Combine(dir, command + ext)))
            .FirstOrDefault(File.Exists);
    }
}
