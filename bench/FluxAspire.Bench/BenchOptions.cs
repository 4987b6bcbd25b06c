using System.Globalization;

namespace FluxAspire.Bench;

/// <summary>Command-line options: <c>--target sim|api --url URL --clients N --duration S --warmup S --size PX --step-ms MS --pid PID</c>.</summary>
internal sealed record BenchOptions
{
    public string Target { get; init; } = "sim";
    public Uri? Url { get; init; }
    public int Clients { get; init; } = 64;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);
    public int Size { get; init; } = 1024;
    public int Steps { get; init; } = 20;
    public int StepMs { get; init; }
    public int? Pid { get; init; }
    public long? Seed { get; init; }

    public const string Usage =
        "usage: FluxAspire.Bench [--target sim|api] [--url URL] [--clients 64] [--duration 20] [--warmup 3] [--size 1024]\n" +
        "                        [--steps 20] [--step-ms 0] [--pid PID] [--seed N]\n" +
        "  --target sim  drives ComfyUI's protocol (POST /prompt, WS executing null, /history, /view); without --url it starts\n" +
        "                the simulator itself (--step-ms is its per-step cost) and reports that process's memory and CPU.\n" +
        "  --target api  drives POST /workflow/text2img on --url (default http://127.0.0.1:3000).\n" +
        "  --pid PID     also report memory/CPU of a process you started (e.g. the API).\n" +
        "  --seed N      api: the same seed in every request, so all but the first are result-cache hits (default: a new seed each).";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{flag} needs a value");
            int Int() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n
                : throw new ArgumentException($"{flag} needs a whole number >= 0");
            options = flag switch
            {
                "--target" => options with
                {
                    Target = Value() is "sim" or "api" ? args[i] : throw new ArgumentException("--target is sim or api"),
                },
                "--url" => options with
                {
                    Url = Uri.TryCreate(Value(), UriKind.Absolute, out var url) ? url : throw new ArgumentException("--url needs an absolute URL"),
                },
                "--clients" => options with { Clients = Math.Max(1, Int()) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Math.Max(1, Int())) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Int()) },
                "--size" => options with { Size = Int() },
                "--steps" => options with { Steps = Math.Max(1, Int()) },
                "--step-ms" => options with { StepMs = Int() },
                "--pid" => options with { Pid = Int() },
                "--seed" => options with { Seed = Int() },
                "-h" or "--help" => throw new ArgumentException(""),
                _ => throw new ArgumentException($"unknown option '{flag}'"),
            };
        }

        return options;
    }
}
