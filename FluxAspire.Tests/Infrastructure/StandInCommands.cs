namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// Shell scripts standing in for commands such as <c>nvidia-smi</c>, <c>docker</c> and <c>podman</c>, in a folder of their
/// own; <see cref="Find"/> is the command search a probe under test uses, so only these commands exist for it.
/// </summary>
public sealed class StandInCommands : IDisposable
{
    private readonly Dictionary<string, string> _commands = [];

    public StandInCommands() => Directory.CreateDirectory(Folder);

    /// <summary>Where the scripts are (a test may leave marker files here).</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "bin-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes <paramref name="name"/> as <c>#!/bin/sh</c> with <paramref name="body"/>.</summary>
    public void Script(string name, string body)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _commands[name] = path;
    }

    /// <summary>The script standing in for <paramref name="command"/>, or null: nothing else is installed.</summary>
    public string? Find(string command) => _commands.GetValueOrDefault(command);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
