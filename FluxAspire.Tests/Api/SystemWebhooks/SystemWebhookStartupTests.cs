namespace FluxAspire.Tests.Api.SystemWebhooks;

/// <summary>Bad system webhook configuration stops the real API process at start-up with a message naming the key.</summary>
public class SystemWebhookStartupTests
{
    private static async Task<string> StartFailureAsync(Dictionary<string, string> environment)
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ApiProcess.StartAsync(nobody, environment, waitForReady: false));
        Assert.StartsWith("the API exited with", error.Message);
        return error.Message;
    }

    [Fact]
    public async Task An_unknown_event_name_stops_the_API()
    {
        var message = await StartFailureAsync(new()
        {
            ["SYSTEM_WEBHOOK_URL"] = "https://hooks.example.com/system",
            ["SYSTEM_WEBHOOK_EVENTS"] = "execution_start,prompt_done",
        });
        Assert.Contains("SYSTEM_WEBHOOK_EVENTS: unknown event 'prompt_done'; expected 'all' or a comma list of", message);
    }

    [Fact]
    public async Task A_url_the_SSRF_guard_refuses_stops_the_API()
    {
        var message = await StartFailureAsync(new()
        {
            ["SYSTEM_WEBHOOK_URL"] = "http://169.254.169.254/latest/meta-data",
            ["SYSTEM_WEBHOOK_EVENTS"] = "all",
        });
        Assert.Contains("SYSTEM_WEBHOOK_URL is refused by the outbound URL guard:", message);
    }
}
