using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.SystemWebhooks;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.Tests.Api.SystemWebhooks;

public class SystemWebhookSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void All_selects_the_13_events()
    {
        var events = SystemWebhookEvents.Parse("all");
        Assert.Equal(13, events.Count);
        Assert.Contains("execution_start", events);
        Assert.Contains("file_uploaded", events);
    }

    [Fact]
    public void A_comma_list_is_trimmed_and_blank_entries_are_ignored()
    {
        Assert.Equal(["executing", "file_deleted"], SystemWebhookEvents.Parse(" executing, ,file_deleted ").Order(StringComparer.Ordinal));
        Assert.Empty(SystemWebhookEvents.Parse(null));
    }

    [Fact]
    public void Unknown_names_are_refused_with_every_bad_name_and_the_accepted_ones()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SystemWebhookEvents.Parse("executing,finished,Progress"));
        Assert.StartsWith("SYSTEM_WEBHOOK_EVENTS: unknown event 'finished', 'Progress'; expected 'all' or a comma list of status, progress,", error.Message);
    }

    [Fact]
    public void Metadata_holds_SYSTEM_META_keys_as_written_and_Salad_ids_in_snake_case_but_no_secrets()
    {
        var settings = SystemWebhookSettings.FromConfiguration(Config(
            ("SYSTEM_WEBHOOK_URL", "https://hooks.example.com/system"),
            ("SYSTEM_WEBHOOK_EVENTS", "executing"),
            ("SYSTEM_META_Region", "eu-west"),
            ("SYSTEM_META_", "ignored: no key"),
            ("SALAD_MACHINE_ID", "m-42"),
            ("SALAD_CONTAINER_GROUP_ID", "cg-7"),
            ("WEBHOOK_SECRET", "c2VjcmV0"),
            ("SALAD_API_KEY", "not-copied")));

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"Region":"eu-west","salad_machine_id":"m-42","salad_container_group_id":"cg-7"}"""), settings.Metadata));
        Assert.Equal(new Uri("https://hooks.example.com/system"), settings.Url);
        Assert.True(settings.Wants("executing"));
        Assert.False(settings.Wants("progress"));
    }

    [Fact]
    public void Without_a_url_nothing_is_wanted()
    {
        var settings = SystemWebhookSettings.FromConfiguration(Config(("SYSTEM_WEBHOOK_EVENTS", "all")));
        Assert.Null(settings.Url);
        Assert.False(settings.Wants("executing"));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/x")]
    public void A_bad_url_is_refused(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SystemWebhookSettings.FromConfiguration(Config(("SYSTEM_WEBHOOK_URL", url))));
        Assert.Equal("SYSTEM_WEBHOOK_URL must be an absolute http or https URL.", error.Message);
    }
}
