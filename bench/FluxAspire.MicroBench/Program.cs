using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In process: no generated project to build per benchmark (minutes on a 2-core machine), and the API's build output is
// what runs. A short run (3 warmup, 3 measured iterations) by default; pass BenchmarkDotNet's own flags, e.g.
// --filter '*Response*'.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(FluxAspire.MicroBench.HotPathBenchmarks).Assembly).Run(args, config);
