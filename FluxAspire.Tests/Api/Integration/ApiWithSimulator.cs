namespace FluxAspire.Tests.Api.Integration;

/// <summary>A simulator and an API on it, warm and ready; shared by the tests of one class.</summary>
public class ApiWithSimulator : IAsyncLifetime
{
    private readonly string[] _simulatorArgs;
    private readonly Dictionary<string, string> _apiEnvironment;

    public ApiWithSimulator() : this(["--step-ms", "5"], []) { }

    protected ApiWithSimulator(string[] simulatorArgs, Dictionary<string, string> apiEnvironment)
    {
        _simulatorArgs = simulatorArgs;
        _apiEnvironment = apiEnvironment;
    }

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorProcess.StartAsync(_simulatorArgs);
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, _apiEnvironment);
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
    }
}

/// <summary>A slower simulator (100 ms per sampler step), so faults can be injected while a job runs.</summary>
public sealed class SlowApiWithSimulator() : ApiWithSimulator(["--step-ms", "100"], new() { ["Jobs__Timeout"] = "00:00:30" });
