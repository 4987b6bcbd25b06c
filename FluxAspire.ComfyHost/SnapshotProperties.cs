using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

internal static class SnapshotProperties
{
    /// <summary>Sets one dashboard property, replacing a property of that name in place.</summary>
    public static ImmutableArray<ResourcePropertySnapshot> WithProperty(this ImmutableArray<ResourcePropertySnapshot> properties, string name, object? value)
    {
        var property = new ResourcePropertySnapshot(name, value);
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].Name == name)
            {
                return properties.SetItem(i, property);
            }
        }

        return properties.Add(property);
    }

    /// <summary>Observes a background task's failure so it is not an unobserved exception; the task reports its own errors.</summary>
    public static void Ignore(this Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
