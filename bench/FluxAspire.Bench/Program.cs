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

if (options.Compare)
{
    return await CompareCommand.RunAsync(options);
}

if (options.Gpus)
{
    return await GpusCommand.RunAsync(options);
}

await using var simulator = options is { Target: "sim", Url: null } ? await SimulatorLauncher.StartAsync(options.StepMs, options.ImageKind) : null;
var url = options.Url ?? simulator?.Url ?? new Uri("http://127.0.0.1:3000");
var watchedPid = options.Pid ?? simulator?.Process.Id;
using var http = Http.Client(url, options.Clients, options.Timeout);
var (requests, warmup) = (options.RequestsAt(options.Clients), options.WarmupAt(options.Clients));
Console.WriteLine($"target {options.Target} {url}  clients {options.Clients}  {options.Size}x{options.Size}, {options.Steps} steps" +
    (simulator is null ? "" : $", simulator started by the bench (--step-ms {options.StepMs} --image-kind {options.ImageKind})") +
    $"  warmup {warmup} requests, measured {requests}");

// Direct clients as ComfyUI's own users run them: one WebSocket each.
var comfyClients = new List<ComfyClient>();
if (options.Target == "sim")
{
    for (var i = 0; i < options.Clients; i++)
    {
        var client = new ComfyClient(http, simulator?.OutputDirectory);
        await client.ConnectAsync(CancellationToken.None);
        comfyClients.Add(client);
    }
}

var next = 0;
ProcessStats? before = null, after = null;
var result = await LoadGenerator.RunAsync(
    token => options.Target == "sim"
        ? comfyClients[Interlocked.Increment(ref next) % comfyClients.Count].GenerateAsync(options.Size, options.Steps, token)
        : ApiClient.GenerateAsync(http, options.Size, options.Steps, options.Seed, token),
    options.Clients, warmup, requests, options.Timeout,
    () =>
    {
        before = watchedPid is int pid ? ProcessStats.Read(pid) : null;
        return Task.CompletedTask;
    },
    () =>
    {
        after = watchedPid is int pid ? ProcessStats.Read(pid) : null;
        return Task.CompletedTask;
    });

foreach (var client in comfyClients)
{
    await client.DisposeAsync();
}

var seconds = result.Window.TotalSeconds;
var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"images: {result.LatenciesMs.Length} of {requests} measured succeeded, {result.Errors} failed (all phases)"));
Console.WriteLine(string.Create(inv, $"throughput: {result.Throughput:0.0} images/s  ({result.Bytes / seconds / 1e6:0.0} MB/s of PNG, {result.Bytes / Math.Max(result.CompletedInWindow, 1) / 1e6:0.00} MB each)"));
Console.WriteLine(string.Create(inv, $"latency ms: p50 {result.Percentile(0.50):0.0}  p90 {result.Percentile(0.90):0.0}  p99 {result.Percentile(0.99):0.0}  max {result.Percentile(1):0.0}"));
if (after is not null)
{
    var cpu = before is null ? after.Cpu : after.Cpu - before.Cpu;
    Console.WriteLine(string.Create(inv,
        $"process {watchedPid} ({after.Name}): RSS {after.ResidentBytes / 1048576.0:0} MB, peak {after.PeakResidentBytes / 1048576.0:0} MB, " +
        $"CPU {cpu.TotalSeconds:0.0} s in the window ({cpu.TotalSeconds / seconds * 100:0}% of one core, " +
        $"{cpu.TotalMilliseconds / Math.Max(result.CompletedInWindow, 1):0.0} ms per image)"));
}

var bench = ProcessStats.Read(Environment.ProcessId);
Console.WriteLine(string.Create(inv, $"bench itself: RSS {bench?.ResidentBytes / 1048576.0:0} MB, machine has {Environment.ProcessorCount} cores"));
foreach (var (message, count) in result.Failures.OrderByDescending(f => f.Value).Take(5))
{
    Console.WriteLine($"  {count} x {message}");
}

return result.Errors == 0 && result.LatenciesMs.Length == requests ? 0 : 1;
