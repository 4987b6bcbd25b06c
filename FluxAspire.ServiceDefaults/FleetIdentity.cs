using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Resource attributes that say which node of the fleet a signal came from, from the environment SaladCloud gives every
/// container (absent variables are left out): one Axiom dataset then splits by machine, container group and project.
/// </summary>
public static class FleetIdentity
{
    /// <summary>Salad's variable → the resource attribute it becomes.</summary>
    public static readonly IReadOnlyList<(string Variable, string Attribute)> SaladAttributes =
    [
        ("SALAD_MACHINE_ID", "salad.machine.id"),
        ("SALAD_MACHINE_ID", "host.id"),
        ("SALAD_CONTAINER_GROUP_ID", "salad.container_group.id"),
        ("SALAD_CONTAINER_GROUP_NAME", "salad.container_group.name"),
        ("SALAD_ORGANIZATION_NAME", "salad.organization.name"),
        ("SALAD_PROJECT_NAME", "salad.project.name"),
    ];

    public static IEnumerable<KeyValuePair<string, object>> From(IConfiguration configuration)
    {
        foreach (var (variable, attribute) in SaladAttributes)
        {
            if (configuration[variable] is { Length: > 0 } value)
            {
                yield return new KeyValuePair<string, object>(attribute, value);
            }
        }

        if (configuration["SALAD_MACHINE_ID"] is { Length: > 0 })
        {
            yield return new KeyValuePair<string, object>("cloud.provider", "saladcloud");
        }
    }
}
