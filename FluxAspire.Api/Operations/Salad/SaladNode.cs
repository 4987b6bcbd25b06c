namespace FluxAspire.Api.Operations.Salad;

/// <summary>Whether this replica runs on a SaladCloud node, read once from Salad's environment.</summary>
public sealed class SaladNode(IConfiguration configuration)
{
    public bool Present { get; } = SaladOptions.PresenceVariables.Any(name => !string.IsNullOrWhiteSpace(configuration[name]));

    /// <summary>The node's machine id for log lines (an identifier Salad shows in its portal, not a secret).</summary>
    public string? MachineId { get; } = configuration["SALAD_MACHINE_ID"];
}
