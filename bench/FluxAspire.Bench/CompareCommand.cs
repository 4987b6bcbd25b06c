using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FluxAspire.Bench;

/// <summary>
/// <c>compare</c>: on this machine and in one go, ComfyUI direct (the simulator at zero step cost: the floor), the API in
/// process, and the API with Redis, level by level (the three targets back to back at each level, so a change in the
/// machine's load hits all three alike). The API is a fresh process per level, and its peak RSS is reset (clear_refs)
/// when the measured window opens, so each level's peak is its own. With <c>--rounds N</c> the whole sequence runs N
/// times and the table shows medians, which a busy machine needs.
/// </summary>
internal static class CompareCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"machine: {Machine()}; load average at start {LoadAverage()}");
        Console.WriteLine($"{options.Size}x{options.Size}, {options.Steps} steps, --image-kind {options.ImageKind}, levels {string.Join(", ", options.Levels)}, " +
            $"targets {string.Join(", ", options.Targets)}{(options.Quick ? ", quick" : "")}");
        await using var sim = await SimulatorLauncher.StartAsync(stepMs: 0, options.ImageKind);
        await using var redis = options.Targets.Contains("api+redis") ? await RedisLauncher.StartAsync() : null;
        var rows = new List<Row>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var clients in options.Levels)
            {
                foreach (var target in options.Targets)
                {
                    var row = await RunLevelAsync(options, target, clients, sim, redis);
                    rows.Add(row);
                    Console.WriteLine(string.Create(Inv,
                        $"  {(options.Rounds > 1 ? $"round {round}  " : "")}c={clients,-3} {target,-10} p50 {row.P50,7:0.0} ms  {row.Throughput,6:0.0} req/s  " +
                        $"{row.Errors} errors  ({total.Elapsed.TotalSeconds:0} s so far)"));
                }
            }
        }

        var summary = rows.GroupBy(r => (r.Clients, r.Target)).Select(g => Row.Median([.. g])).ToList();
        Console.WriteLine();
        if (options.Rounds > 1)
        {
            Console.WriteLine($"Medians of {options.Rounds} rounds (errors and requests summed):");
        }

        Console.WriteLine(Table(summary));
        Console.WriteLine($"{total.Elapsed.TotalSeconds:0} s in all; load average at the end {LoadAverage()}; {rows.FirstOrDefault(r => r.ServerGc is not null)?.ServerGc switch
        {
            true => "the API ran the server GC",
            false => "the API ran the workstation GC",
            null => "",
        }}");
        foreach (var row in summary.Where(r => r.Errors > 0))
        {
            foreach (var (message, count) in row.Failures.OrderByDescending(f => f.Value).Take(3))
            {
                Console.WriteLine($"  c={row.Clients} {row.Target}: {count} x {message}");
            }
        }

        return summary.All(r => r.Errors == 0 && r.Ok == r.Requests) ? 0 : 1;
    }

    private static async Task<Row> RunLevelAsync(BenchOptions options, string target, int clients, SimulatorLauncher sim, RedisLauncher? redis)
    {
        if (target == "api+redis")
        {
            await redis!.FlushAsync();
        }

        await using var api = target == "comfyui" ? null : await ApiLauncher.StartAsync(sim.Url, sim, target == "api+redis" ? redis!.ConnectionString : null);
        using var http = Http.Client(api?.Url ?? sim.Url, clients, options.Timeout);
        // The floor drives ComfyUI the way the API does: one WebSocket, many prompts in flight.
        await using var comfy = api is null ? new ComfyClient(http, sim.OutputDirectory) : null;
        if (comfy is not null)
        {
            await comfy.ConnectAsync(CancellationToken.None);
        }

        var watched = new Dictionary<string, int> { ["sim"] = sim.Process.Id, ["bench"] = Environment.ProcessId };
        if (api is not null) watched["api"] = api.Process.Id;
        if (target == "api+redis") watched["redis"] = redis!.Process.Id;
        Dictionary<string, ProcessStats?> before = [], after = [];
        long allocatedBefore = 0, allocatedAfter = 0;
        bool? serverGc = null;
        var load = await LoadGenerator.RunAsync(
            token => comfy is not null
                ? comfy.GenerateAsync(options.Size, options.Steps, token)
                : ApiClient.GenerateAsync(http, options.Size, options.Steps, seed: null, token),
            clients, options.WarmupAt(clients), options.RequestsAt(clients), options.Timeout,
            async () =>
            {
                foreach (var name in new[] { "api", "redis" }.Where(watched.ContainsKey))
                {
                    ProcessStats.ResetPeak(watched[name]);
                }

                before = watched.ToDictionary(w => w.Key, w => ProcessStats.Read(w.Value));
                if (api is not null) (allocatedBefore, _, _, _, _) = await api.ReadAllocationsAsync();
            },
            async () =>
            {
                after = watched.ToDictionary(w => w.Key, w => ProcessStats.Read(w.Value));
                if (api is not null)
                {
                    var (bytes, _, _, _, server) = await api.ReadAllocationsAsync();
                    (allocatedAfter, serverGc) = (bytes, server);
                }
            });

        if (load.Errors > 0 && api is not null)
        {
            // What the API logged (warnings and errors) around the failures, for the person reading the run.
            Console.Error.WriteLine($"  c={clients} {target}: the API's last log lines:\n{api.LastLines}");
        }

        double? CpuPerRequest(string name) =>
            before.GetValueOrDefault(name) is { } b && after.GetValueOrDefault(name) is { } a && load.CompletedInWindow > 0
                ? (a.Cpu - b.Cpu).TotalMilliseconds / load.CompletedInWindow
                : null;
        double? PeakMb(string name) => after.GetValueOrDefault(name)?.PeakResidentBytes / 1048576.0;

        return new Row(target, clients, options.RequestsAt(clients), load.LatenciesMs.Length, load.Errors, load.Failures,
            load.Percentile(0.5), load.Percentile(0.9), load.Percentile(0.99), load.Throughput,
            CpuPerRequest("api"), PeakMb("api"),
            api is not null && load.CompletedInWindow > 0 ? (allocatedAfter - allocatedBefore) / 1048576.0 / load.CompletedInWindow : null,
            CpuPerRequest("sim"), CpuPerRequest("redis"), PeakMb("redis"), CpuPerRequest("bench"), serverGc);
    }

    private static string Table(List<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| c | target | ok / measured | p50 ms | p90 ms | p99 ms | p50 over floor ms | req/s | API CPU ms/req | API peak RSS MB | API alloc MB/req | errors | ComfyUI CPU ms/req | Redis CPU ms/req | Redis peak RSS MB | bench CPU ms/req |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var floor = rows.FirstOrDefault(r => r.Target == "comfyui" && r.Clients == row.Clients);
            var overhead = row.Target == "comfyui" || floor is null ? "–" : F(row.P50 - floor.P50);
            text.AppendLine(string.Join(" | ", [
                $"| {row.Clients}", row.Target == "comfyui" ? "ComfyUI direct (floor)" : row.Target == "api" ? "API in process" : "API + Redis",
                $"{row.Ok} / {row.Requests}", F(row.P50), F(row.P90), F(row.P99), overhead,
                F(row.Throughput), F(row.ApiCpuMs), F(row.ApiPeakMb, "0"), F(row.ApiAllocMb, "0.00"), row.Errors.ToString(Inv),
                F(row.SimCpuMs), F(row.RedisCpuMs), F(row.RedisPeakMb, "0"), $"{F(row.BenchCpuMs)} |"]));
        }

        return text.ToString();
    }

    private static string F(double? value, string format = "0.0") =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, Inv) : "–";

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : null;
        return $"{Environment.ProcessorCount} cores{(model is null ? "" : $" ({model})")}" +
            $"{(long.TryParse(memory, out var kb) ? $", {kb / 1048576.0:0} GiB RAM" : "")}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $".NET {Environment.Version}";
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>One target at one level: what a round measured, or the medians of several rounds.</summary>
    private sealed record Row(
        string Target, int Clients, int Requests, int Ok, int Errors, IReadOnlyDictionary<string, int> Failures,
        double P50, double P90, double P99, double Throughput,
        double? ApiCpuMs, double? ApiPeakMb, double? ApiAllocMb, double? SimCpuMs, double? RedisCpuMs, double? RedisPeakMb, double? BenchCpuMs,
        bool? ServerGc)
    {
        public static Row Median(IReadOnlyList<Row> rounds)
        {
            double M(Func<Row, double> value) => MedianOf(rounds.Select(value));
            double? N(Func<Row, double?> value) => rounds.Select(value).OfType<double>().ToList() is { Count: > 0 } values ? MedianOf(values) : null;
            return rounds[0] with
            {
                Requests = rounds.Sum(r => r.Requests), Ok = rounds.Sum(r => r.Ok), Errors = rounds.Sum(r => r.Errors),
                Failures = rounds.SelectMany(r => r.Failures).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(f => f.Value)),
                P50 = M(r => r.P50), P90 = M(r => r.P90), P99 = M(r => r.P99), Throughput = M(r => r.Throughput),
                ApiCpuMs = N(r => r.ApiCpuMs), ApiPeakMb = N(r => r.ApiPeakMb), ApiAllocMb = N(r => r.ApiAllocMb), SimCpuMs = N(r => r.SimCpuMs),
                RedisCpuMs = N(r => r.RedisCpuMs), RedisPeakMb = N(r => r.RedisPeakMb), BenchCpuMs = N(r => r.BenchCpuMs),
            };
        }

        private static double MedianOf(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
