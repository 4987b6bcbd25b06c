using System.Diagnostics;

namespace FluxAspire.Tests.Api;

public class StartupConfigurationTests
{
    [Fact]
    public async Task Without_a_ComfyUI_address_the_API_exits_1_with_one_line_naming_the_setting()
    {
        var dll = RepoPaths.ProjectOutput("FluxAspire.Api", "FluxAspire.Api.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{FreePort.Next()}");
        info.Environment.Remove("ConnectionStrings__comfyui");
        info.Environment.Remove("ComfyUI__BaseUrl");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var api = Process.Start(info)!;
        var stdout = api.StandardOutput.ReadToEndAsync();
        var stderr = api.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await api.WaitForExitAsync(deadline.Token);

        Assert.Equal(1, api.ExitCode);
        var lines = (await stderr + await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("FluxAspire.Api cannot start: No ComfyUI address: set ConnectionStrings__comfyui", line);
    }
}
