using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FluxAspire.Bench;

/// <summary>
/// <c>gpus</c>: several GPUs behind one API, in one go. For 1, 2 and 4 simulators (each a pretend GPU, a ComfyUI:Backends
/// entry of one API process): jobs/s at zero step cost (what the API and the machine's cores can move), and at
/// <c>--step-ms 200</c> (a real FLUX step) jobs/s, efficiency against N × one backend, and each GPU's idle gap between
/// the end of one job and the start of the next, read from the simulators' own /history timestamps.
/// </summary>
internal static class GpusCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {options.Size}x{options.Size}, {options.Steps} steps, " +
            $"--image-kind {options.ImageKind}, backends {string.Join(", ", options.Backends)}, Jobs:Prefetch 2 per backend");
        var rows = new List<Row>();
        foreach (var stepMs in new[] { 0, options.GpuStepMs })
        {
            foreach (var count in options.Backends)
            {
                var row = await RunAsync(options, count, stepMs);
                rows.Add(row);
                Console.WriteLine(string.Create(Inv,
                    $"  {count} backend(s), --step-ms {stepMs}: {row.JobsPerSecond:0.00} jobs/s, {row.Errors} errors ({total.Elapsed.TotalSeconds:0} s so far)"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(Table(rows));
        return rows.All(r => r.Errors == 0) ? 0 : 1;
    }

    private static async Task<Row> RunAsync(BenchOptions options, int count, int stepMs)
    {
        var simulators = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => SimulatorLauncher.StartAsync(stepMs, options.ImageKind)));
        try
        {
            await using var api = await ApiLauncher.StartAsync(simulators[0].Url, simulators[0], redis: null, simulators.Skip(1).ToList());
            // Two prefetch slots per backend plus one job waiting for each, so no backend ever waits on a client.
            var clients = 3 * count;
            using var http = Http.Client(api.Url, clients, options.Timeout);
            var measured = options.Requests ?? (stepMs == 0 ? Math.Max(100, 50 * count) : 8 * count);
            DateTimeOffset opened = default, closed = default;
            var load = await LoadGenerator.RunAsync(
                token => ApiClient.GenerateAsync(http, options.Size, options.Steps, seed: null, token),
                clients, options.Warmup ?? (stepMs == 0 ? 10 * count : count), measured, options.Timeout,
                () => { opened = DateTimeOffset.UtcNow; return Task.CompletedTask; },
                () => { closed = DateTimeOffset.UtcNow; return Task.CompletedTask; });
            var gaps = new List<double>();
            double busy = 0;
            foreach (var simulator in simulators)
            {
                var runs = await RunsAsync(simulator, opened, closed);
                busy += runs.Sum(r => r.End - r.Start);
                gaps.AddRange(runs.Zip(runs.Skip(1), (a, b) => Math.Max(0, b.Start - a.End)));
            }

            gaps.Sort();
            var window = (closed - opened).TotalMilliseconds;
            return new Row(count, stepMs, load.Throughput, load.Errors, Percentile(gaps, 0.5), Percentile(gaps, 0.9),
                window > 0 ? busy / (count * window) : double.NaN);
        }
        finally
        {
            foreach (var simulator in simulators) await simulator.DisposeAsync();
        }
    }

    /// <summary>The prompts one simulator ran inside the window, from execution_start to execution_success (unix ms), in order.</summary>
    private static async Task<List<(double Start, double End)>> RunsAsync(SimulatorLauncher simulator, DateTimeOffset opened, DateTimeOffset closed)
    {
        using var http = new HttpClient { BaseAddress = simulator.Url };
        var history = JsonNode.Parse(await http.GetStringAsync("/history?max_items=100000"))!.AsObject();
        var (from, to) = (opened.ToUnixTimeMilliseconds(), closed.ToUnixTimeMilliseconds());
        var runs = new List<(double Start, double End)>();
        foreach (var (_, entry) in history)
        {
            double? Stamp(string type) => entry!["status"]?["messages"]?.AsArray()
                .FirstOrDefault(m => (string?)m![0] == type)?[1]?["timestamp"]?.GetValue<double>();
            if (Stamp("execution_start") is { } start && Stamp("execution_success") is { } end && start >= from && end <= to)
            {
                runs.Add((start, end));
            }
        }

        runs.Sort();
        return runs;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Table(List<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| backends | --step-ms | jobs/s | efficiency vs N × 1 backend | GPU idle between jobs p50 / p90 ms | GPU busy | errors |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var single = rows.FirstOrDefault(r => r.StepMs == row.StepMs && r.Backends == 1);
            var efficiency = single is null ? double.NaN : row.JobsPerSecond / (row.Backends * single.JobsPerSecond);
            text.AppendLine(string.Create(Inv,
                $"| {row.Backends} | {row.StepMs} | {row.JobsPerSecond:0.00} | {efficiency * 100:0} % | {row.GapP50:0.0} / {row.GapP90:0.0} | {row.Busy * 100:0} % | {row.Errors} |"));
        }

        return text.ToString();
    }

    private sealed record Row(int Backends, int StepMs, double JobsPerSecond, int Errors, double GapP50, double GapP90, double Busy);
}
