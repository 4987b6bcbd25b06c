using FluxAspire.Api.Endpoints.Jobs;

namespace FluxAspire.Tests.JobsApi;

public class OutputContentTypesTests
{
    [Theory]
    [InlineData("a_ComfyUI_00001_.png", "image/png")]
    [InlineData("a_ComfyUI_00001_.jpeg", "image/jpeg")]
    [InlineData("a_ComfyUI_00001_.jpg", "image/jpeg")]
    [InlineData("a_ComfyUI_00001_.webp", "image/webp")]
    [InlineData("a_ComfyUI_00001_.PNG", "image/png")]
    [InlineData("a_ComfyUI_00001_.latent", "application/octet-stream")]
    [InlineData("no-extension", "application/octet-stream")]
    public void Content_types_follow_the_extension(string filename, string expected) => Assert.Equal(expected, OutputContentTypes.Of(filename));
}
