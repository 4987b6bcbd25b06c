using System.Net;
using System.Net.Sockets;
using System.Runtime;
using System.Text;

/// <summary>
/// A .NET startup hook that the bench loads into the API process it starts (<c>DOTNET_STARTUP_HOOKS</c> naming this
/// assembly), so the API needs no code or endpoint of its own for the benchmark: it listens on the loopback port in
/// <c>FLUXASPIRE_BENCH_STATS_PORT</c> and answers every connection with one line,
/// <c>allocated-bytes gen0 gen1 gen2 server-gc</c>, from <see cref="GC.GetTotalAllocatedBytes(bool)"/> (precise).
/// The runtime requires this name, outside any namespace.
/// </summary>
internal static class StartupHook
{
    public const string PortVariable = "FLUXASPIRE_BENCH_STATS_PORT";

    public static void Initialize()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(PortVariable), out var port))
        {
            return;
        }

        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        new Thread(() =>
        {
            while (true)
            {
                using var client = listener.AcceptTcpClient();
                var line = $"{GC.GetTotalAllocatedBytes(precise: true)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GCSettings.IsServerGC}\n";
                client.GetStream().Write(Encoding.ASCII.GetBytes(line));
            }
        })
        { IsBackground = true, Name = "bench allocation counter" }.Start();
    }
}
