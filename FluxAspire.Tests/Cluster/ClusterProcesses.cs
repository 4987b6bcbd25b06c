using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Infrastructure;

namespace FluxAspire.Tests.Cluster;

/// <summary>Helpers for tests with several API replicas sharing one real Redis, each with its own simulator.</summary>
internal static class ClusterProcesses
{
    /// <summary>An API replica on <paramref name="comfyui"/> sharing <paramref name="redis"/>, with short leases so a lost replica is noticed fast.</summary>
    public static Task<ApiProcess> StartReplicaAsync(SimulatorProcess comfyui, RedisServerProcess redis, Dictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Jobs__Lease"] = "00:00:02",
        };
        foreach (var (key, value) in settings ?? []) environment[key] = value;
        return ApiProcess.StartAsync(comfyui.BaseAddress, environment);
    }

    /// <summary>The prompt ids in a simulator's /history: the jobs its ComfyUI ran.</summary>
    public static async Task<IReadOnlyCollection<string>> RanOnAsync(SimulatorProcess comfyui)
    {
        using var http = comfyui.CreateClient();
        var history = await http.GetFromJsonAsync<JsonObject>("/history?max_items=1000");
        return history!.Select(p => p.Key).ToList();
    }

    /// <summary>True while a simulator runs (or holds queued) the prompt <paramref name="id"/>.</summary>
    public static async Task<bool> IsRunningOnAsync(SimulatorProcess comfyui, string id)
    {
        using var http = comfyui.CreateClient();
        var queue = await http.GetFromJsonAsync<JsonObject>("/queue");
        return queue!["queue_running"]!.AsArray().Any(item => item![1]!.GetValue<string>() == id);
    }
}
