using System.Text;

namespace FluxAspire.AppHost.Publishing;

/// <summary>.env.example: the variables docker-compose.yml reads, to copy to .env and fill in on the GPU host.</summary>
internal static class EnvFileExample
{
    public const string FileName = ".env.example";

    public static string Build(IEnumerable<Placeholder> variables)
    {
        var text = new StringBuilder()
            .Append("# The values docker-compose.yml reads. Copy this file to .env next to it, fill it in, and keep .env private.\n")
            .Append("# Quote values that contain spaces: NAME='a b'.\n");
        foreach (var variable in variables)
        {
            text.Append('\n')
                .Append("# ").Append(variable.Description).Append(variable.Required ? " (required)" : "").Append('\n')
                .Append(variable.Name).Append('=').Append(variable.Default).Append('\n');
        }

        return text.ToString();
    }
}
