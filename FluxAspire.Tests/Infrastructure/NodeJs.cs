using System.Diagnostics;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>Node.js (Debian's nodejs, installed by test.sh) as the independent reference for what JavaScript clients of
/// the recipe's server do with our JSON.</summary>
public static class NodeJs
{
    /// <summary>JSON.stringify(JSON.parse(json)), as node writes it.</summary>
    public static async Task<string> StringifyAsync(string json)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        info.ArgumentList.Add("-e");
        info.ArgumentList.Add("process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8'))))");
        using var node = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.StandardInput.WriteAsync(json);
        node.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await node.WaitForExitAsync(deadline.Token);
        Assert.True(node.ExitCode == 0, $"node failed: {await errors}");
        return await output;
    }
}
