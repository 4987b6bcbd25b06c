using System.Globalization;

namespace FluxAspire.Bench;

/// <summary>Options of both commands: one target (<c>--target sim|api</c>), or <c>compare</c> (the side-by-side run).</summary>
internal sealed record BenchOptions
{
    public static readonly string[] AllTargets = ["comfyui", "api", "api+redis"];

    public bool Compare { get; init; }
    public bool Gpus { get; init; }
    public IReadOnlyList<int> Backends { get; init; } = [1, 2, 4];
    public int GpuStepMs { get; init; } = 200;
    public bool Quick { get; init; }
    public int Rounds { get; init; } = 1;
    public string Target { get; init; } = "sim";
    public Uri? Url { get; init; }
    public int Clients { get; init; } = 64;
    public IReadOnlyList<int> Levels { get; init; } = [1, 8, 32, 64];
    public IReadOnlyList<string> Targets { get; init; } = AllTargets;
    public int? Requests { get; init; }
    public int? Warmup { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);
    public int Size { get; init; } = 1024;
    public int Steps { get; init; } = 20;
    public int StepMs { get; init; }
    public string ImageKind { get; init; } = "noise";
    public int? Pid { get; init; }
    public long? Seed { get; init; }

    /// <summary>Measured requests at a concurrency: enough for stable medians and several rounds of every client.</summary>
    public int RequestsAt(int clients) => Requests ?? (Quick ? Math.Max(40, 2 * clients) : Math.Max(300, 5 * clients));

    /// <summary>Warmup requests at a concurrency (JIT, connection pools, the API's first jobs).</summary>
    public int WarmupAt(int clients) => Warmup ?? (Quick ? Math.Max(20, clients) : Math.Max(50, 2 * clients));

    public const string Usage =
        "usage: FluxAspire.Bench compare [--quick] [--rounds 1] [--levels 1,8,32,64] [--targets comfyui,api,api+redis] [--requests N] [--warmup N]\n" +
        "                                [--timeout 120] [--size 1024] [--steps 20] [--image-kind noise|picture]\n" +
        "       FluxAspire.Bench gpus [--backends 1,2,4] [--gpu-step-ms 200] [--requests N] [--warmup N] [--size 1024] [--steps 20]\n" +
        "       FluxAspire.Bench [--target sim|api] [--url URL] [--clients 64] [--requests N] [--warmup N] [--timeout 120]\n" +
        "                        [--size 1024] [--steps 20] [--step-ms 0] [--image-kind noise|picture] [--pid PID] [--seed N]\n" +
        "  compare       on this machine, in one go: ComfyUI direct (the simulator, zero step cost: the floor), the API in\n" +
        "                process, the API with Redis, at each level; prints latency, overhead over the floor, CPU, peak RSS,\n" +
        "                allocations and errors. Default per level: max(300, 5c) measured requests after max(50, 2c) warmup\n" +
        "                ones; --quick: max(40, 2c) after max(20, c). --timeout stops a level (open requests count as errors).\n" +
        "                --rounds N repeats the whole sequence and prints medians (for a busy machine).\n" +
        "  gpus          N simulators (pretend GPUs) behind one API, for each N: jobs/s at zero step cost, then at --gpu-step-ms\n" +
        "                jobs/s, efficiency against N x one backend, and each GPU's idle gap between jobs (from /history).\n" +
        "  --target sim  drives ComfyUI's protocol (POST /prompt, WS executing null, /history, /view), one socket per client;\n" +
        "                without --url it starts the simulator itself and reports that process's memory and CPU.\n" +
        "  --target api  drives POST /workflow/text2img on --url (default http://127.0.0.1:3000).\n" +
        "  --pid PID     also report memory/CPU of a process you started (e.g. the API).\n" +
        "  --seed N      api: the same seed in every request, so all but the first are result-cache hits (default: a new seed each).";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions { Compare = args is ["compare", ..], Gpus = args is ["gpus", ..] };
        for (var i = options.Compare || options.Gpus ? 1 : 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{flag} needs a value");
            int Int(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n
                : throw new ArgumentException($"{flag} needs whole numbers >= 0");
            options = flag switch
            {
                "--quick" => options with { Quick = true },
                "--rounds" => options with { Rounds = Math.Max(1, Int(Value())) },
                "--levels" => options with { Levels = [.. Value().Split(',').Select(v => Math.Max(1, Int(v)))] },
                "--backends" => options with { Backends = [.. Value().Split(',').Select(v => Math.Max(1, Int(v)))] },
                "--gpu-step-ms" => options with { GpuStepMs = Int(Value()) },
                "--targets" => options with
                {
                    Targets = Value().Split(',') is var targets && targets.All(AllTargets.Contains)
                        ? targets
                        : throw new ArgumentException($"--targets: a comma list of {string.Join(", ", AllTargets)}"),
                },
                "--target" => options with
                {
                    Target = Value() is "sim" or "api" ? args[i] : throw new ArgumentException("--target is sim or api"),
                },
                "--url" => options with
                {
                    Url = Uri.TryCreate(Value(), UriKind.Absolute, out var url) ? url : throw new ArgumentException("--url needs an absolute URL"),
                },
                "--clients" => options with { Clients = Math.Max(1, Int(Value())) },
                "--requests" => options with { Requests = Math.Max(1, Int(Value())) },
                "--warmup" => options with { Warmup = Int(Value()) },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(Math.Max(1, Int(Value()))) },
                "--size" => options with { Size = Int(Value()) },
                "--steps" => options with { Steps = Math.Max(1, Int(Value())) },
                "--step-ms" => options with { StepMs = Int(Value()) },
                "--image-kind" => options with
                {
                    ImageKind = Value() is "noise" or "picture" ? args[i] : throw new ArgumentException("--image-kind is noise or picture"),
                },
                "--pid" => options with { Pid = Int(Value()) },
                "--seed" => options with { Seed = Int(Value()) },
                "-h" or "--help" => throw new ArgumentException(""),
                _ => throw new ArgumentException($"unknown option '{flag}'"),
            };
        }

        return options;
    }
}
