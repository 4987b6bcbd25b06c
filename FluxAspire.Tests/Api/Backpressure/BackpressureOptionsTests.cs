using FluxAspire.Api.Operations.Backpressure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.Api.Backpressure;

public class BackpressureOptionsTests
{
    private static BackpressureOptions Bind(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddBackpressure();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<BackpressureOptions>>().Value;
    }

    [Fact]
    public void No_limit_by_default() => Assert.Equal(0, Bind([]).MaxQueueDepth);

    [Fact]
    public void The_jobs_section_sets_the_limit() => Assert.Equal(3, Bind(new() { ["Jobs:MaxQueueDepth"] = "3" }).MaxQueueDepth);

    [Fact]
    public void The_recipes_variable_wins_over_the_section() =>
        Assert.Equal(2, Bind(new() { ["Jobs:MaxQueueDepth"] = "3", ["MAX_QUEUE_DEPTH"] = "2" }).MaxQueueDepth);

    [Theory]
    [InlineData("lots", "MAX_QUEUE_DEPTH must be a whole number (0 = no limit), not 'lots'")]
    [InlineData("-1", "The field MaxQueueDepth must be between 0 and 100000.")]
    public void A_bad_value_stops_the_start_up(string value, string message)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["MAX_QUEUE_DEPTH"] = value }));
        Assert.Contains(message, failure.Message);
    }

    [Theory]
    [InlineData(14.2, 2, 2, 15)]   // one prompt must finish
    [InlineData(14.2, 4, 2, 43)]   // three must
    [InlineData(0.05, 1, 1, 1)]    // never below a second
    [InlineData(400.0, 5, 1, 600)] // never above ten minutes
    public void Retry_after_is_the_time_for_enough_prompts_to_finish(double perPrompt, int depth, int limit, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds),
            QueuePressure.EstimateRetryAfter(TimeSpan.FromSeconds(perPrompt), depth, new BackpressureOptions { MaxQueueDepth = limit }));

    [Fact]
    public void Retry_after_assumes_the_configured_time_until_one_prompt_was_measured() =>
        Assert.Equal(TimeSpan.FromSeconds(30),
            QueuePressure.EstimateRetryAfter(null, 3, new BackpressureOptions { MaxQueueDepth = 2, AssumedExecutionTime = TimeSpan.FromSeconds(15) }));

    [Fact]
    public void The_execution_time_average_follows_recent_prompts()
    {
        var times = new ExecutionTimes();
        Assert.Null(times.Average);
        times.Record(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), times.Average);
        times.Record(TimeSpan.FromSeconds(20));
        Assert.Equal(13.0, times.Average!.Value.TotalSeconds, 6);
    }
}
