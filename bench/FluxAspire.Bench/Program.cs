using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FluxAspire.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    if (ex.Message.Length > 0) Console.Error.WriteLine($"bench: {ex.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

await using var simulator = options is { Target: "sim", Url: null } ? await SimulatorLauncher.StartAsync(options.StepMs) : null;
var url = options.Url ?? simulator?.Url ?? new Uri("http://127.0.0.1:3000");
var watchedPid = options.Pid ?? simulator?.Process.Id;

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
{
    BaseAddress = url,
    Timeout = TimeSpan.FromMinutes(5),
};

Console.WriteLine($"target {options.Target} {url}  clients {options.Clients}  {options.Size}x{options.Size}, {options.Steps} steps" +
    (simulator is null ? "" : $", simulator started by the bench (--step-ms {options.StepMs})") +
    $"  warmup {options.Warmup.TotalSeconds:0} s, measured {options.Duration.TotalSeconds:0} s");

var comfyClients = new List<ComfyClient>();
if (options.Target == "sim")
{
    for (var i = 0; i < options.Clients; i++)
    {
        var client = new ComfyClient(http);
        await client.ConnectAsync(CancellationToken.None);
        comfyClients.Add(client);
    }
}

var latencies = new ConcurrentBag<double>();
var failures = new ConcurrentDictionary<string, int>();
var wrongSize = 0;
var bytes = 0L;
var clock = Stopwatch.StartNew();
var measureFrom = options.Warmup;
var measureUntil = options.Warmup + options.Duration;
ProcessStats? before = null;
using var stop = new CancellationTokenSource();

async Task RunClientAsync(int index)
{
    while (clock.Elapsed < measureUntil)
    {
        var started = clock.Elapsed;
        try
        {
            var png = options.Target == "sim"
                ? await comfyClients[index].GenerateAsync(options.Size, options.Steps, stop.Token)
                : await ApiClient.GenerateAsync(http, options.Size, options.Steps, options.Seed, stop.Token);
            var ended = clock.Elapsed;
            if (Png.Size(png) != (options.Size, options.Size))
            {
                Interlocked.Increment(ref wrongSize);
            }

            // Count requests that both started and finished inside the measured window.
            if (started >= measureFrom && ended <= measureUntil)
            {
                latencies.Add((ended - started).TotalMilliseconds);
                Interlocked.Add(ref bytes, png.Length);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failures.AddOrUpdate(ex.Message.Length > 160 ? ex.Message[..160] : ex.Message, 1, (_, n) => n + 1);
        }
    }
}

var warmupDone = Task.Run(async () =>
{
    await Task.Delay(options.Warmup);
    before = watchedPid is int pid ? ProcessStats.Read(pid) : null;
});
await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(i => Task.Run(() => RunClientAsync(i))));
await warmupDone;
var after = watchedPid is int watched ? ProcessStats.Read(watched) : null;

foreach (var client in comfyClients)
{
    await client.DisposeAsync();
}

var sorted = latencies.Order().ToArray();
double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
var seconds = options.Duration.TotalSeconds;
var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"images: {sorted.Length} in the measured window, {failures.Values.Sum()} failed, {wrongSize} not {options.Size}x{options.Size} PNG"));
Console.WriteLine(string.Create(inv, $"throughput: {sorted.Length / seconds:0.0} images/s  ({bytes / seconds / 1e6:0.0} MB/s of PNG)"));
Console.WriteLine(string.Create(inv, $"latency ms: p50 {Percentile(0.50):0}  p95 {Percentile(0.95):0}  p99 {Percentile(0.99):0}  max {(sorted.Length > 0 ? sorted[^1] : double.NaN):0}"));
if (after is not null)
{
    var cpu = before is null ? after.Cpu : after.Cpu - before.Cpu;
    Console.WriteLine(string.Create(inv,
        $"process {watchedPid} ({after.Name}): RSS {after.ResidentBytes / 1048576.0:0} MB, peak {after.PeakResidentBytes / 1048576.0:0} MB, " +
        $"CPU {cpu.TotalSeconds:0.0} s in the window ({cpu.TotalSeconds / seconds * 100:0}% of one core, " +
        $"{(sorted.Length > 0 ? cpu.TotalMilliseconds / sorted.Length : double.NaN):0.0} ms per image)"));
}

var bench = ProcessStats.Read(Environment.ProcessId);
Console.WriteLine(string.Create(inv, $"bench itself: RSS {bench?.ResidentBytes / 1048576.0:0} MB, machine has {Environment.ProcessorCount} cores"));
foreach (var (message, count) in failures.OrderByDescending(f => f.Value).Take(5))
{
    Console.WriteLine($"  {count} x {message}");
}

return failures.IsEmpty && wrongSize == 0 && sorted.Length > 0 ? 0 : 1;
