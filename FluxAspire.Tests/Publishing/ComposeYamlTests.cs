namespace FluxAspire.Tests.Publishing;

/// <summary>The test-side reader of docker-compose.yml reads YAML into JSON nodes and refuses a broken or half-written file.</summary>
public sealed class ComposeYamlTests
{
    [Fact]
    public void Reads_nested_mappings_sequences_of_mappings_and_quoted_scalars()
    {
        var yaml = ComposeYaml.Parse("""
            services:
              a:
                ports:
                  - "3000:3000"
                devices:
                  - driver: nvidia
                    capabilities:
                      - gpu
                env:
                  X: "say \"hi\"\n\u0041"
                empty: {}
                flow: {b: c}
            """.ReplaceLineEndings("\n"));

        var a = yaml["services"]!["a"]!;
        Assert.Equal("3000:3000", (string?)a["ports"]![0]);
        Assert.Equal("nvidia", (string?)a["devices"]![0]!["driver"]);
        Assert.Equal("gpu", (string?)a["devices"]![0]!["capabilities"]![0]);
        Assert.Equal("say \"hi\"\nA", (string?)a["env"]!["X"]);
        Assert.Empty(a["empty"]!.AsObject());
        Assert.Equal("c", (string?)a["flow"]!["b"]);
    }

    [Theory]
    [InlineData("a: b: c")]
    [InlineData("a: \"open")]
    [InlineData("a: [b")]
    [InlineData("a:\nb: c")]
    [InlineData("a: 1\na: 2")]
    [InlineData("a: 1\n---\nb: 2")]
    public void Refuses_what_the_writer_never_writes(string yaml)
    {
        Assert.Throws<FormatException>(() => ComposeYaml.Parse(yaml));
    }
}
