using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Cleanup;
using FluxAspire.Api.Pipeline.Inputs;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;

namespace FluxAspire.Tests.Api.Inputs;

public sealed class ImageInputParserTests
{
    private const long Max = 1024 * 1024;

    [Fact]
    public void Base64_png_with_and_without_a_data_prefix_is_inline()
    {
        var png = TestImages.Png(8, 8);
        var plain = Assert.IsType<ImageInputValue.Inline>(ImageInputParser.Classify(Convert.ToBase64String(png), Max));
        var data = Assert.IsType<ImageInputValue.Inline>(ImageInputParser.Classify("data:image/png;base64," + Convert.ToBase64String(png), Max));

        Assert.Equal(png, plain.Content);
        Assert.Equal(png, data.Content);
        Assert.Same(ImageFormat.Png, plain.Format);
    }

    [Fact]
    public void Base64_jpeg_starting_with_a_slash_is_not_taken_for_a_path()
    {
        var jpeg = TestImages.Jpeg(8, 8);
        var base64 = Convert.ToBase64String(jpeg);
        Assert.StartsWith("/9j/", base64);

        Assert.Same(ImageFormat.Jpeg, Assert.IsType<ImageInputValue.Inline>(ImageInputParser.Classify(base64, Max)).Format);
    }

    [Theory]
    [InlineData("http://example.com/a.png")]
    [InlineData("HTTPS://example.com/a.png?x=1")]
    [InlineData("s3://bucket/inputs/a.png")]
    public void Http_and_s3_urls_are_urls(string value) =>
        Assert.Equal(new Uri(value), Assert.IsType<ImageInputValue.Url>(ImageInputParser.Classify(value, Max)).Address);

    [Theory]
    [InlineData("example.png")]
    [InlineData("sub/folder/my image.png")]
    [InlineData("ComfyUI_00001_.png [output]")]
    public void Plain_names_pass_through(string value) =>
        Assert.Equal(value, Assert.IsType<ImageInputValue.FileName>(ImageInputParser.Classify(value, Max)).Name);

    [Theory]
    [InlineData("/etc/passwd", "absolute file paths are not allowed")]
    [InlineData("C:\\x", "absolute file paths are not allowed")]
    [InlineData("c:/windows/win.ini", "absolute file paths are not allowed")]
    [InlineData("\\\\server\\share\\a.png", "absolute file paths are not allowed")]
    [InlineData("~/a.png", "absolute file paths are not allowed")]
    [InlineData("../secret.png", "'..' is not allowed in file names")]
    [InlineData("a/../../b.png", "'..' is not allowed in file names")]
    [InlineData("file:///etc/passwd", "only http, https and s3 URLs are accepted")]
    [InlineData("ftp://example.com/a.png", "only http, https and s3 URLs are accepted")]
    [InlineData("data:text/plain;base64,aGVsbG8=", "a data URL must look like data:image/<type>;base64,<data>")]
    [InlineData("data:image/png;base64,!!!notbase64!!!", "is not valid base64 image data")]
    [InlineData("", "must not be empty")]
    public void Refused_values_say_why(string value, string reason) =>
        Assert.StartsWith(reason, Assert.IsType<ImageInputValue.Refused>(ImageInputParser.Classify(value, Max)).Reason);

    [Fact]
    public void Base64_of_something_that_is_not_an_image_is_refused()
    {
        var text = Convert.ToBase64String("this is plain text, not an image at all, but long enough to be base64"u8.ToArray());

        Assert.Equal("is not a PNG, JPEG, GIF, WebP or BMP image", Assert.IsType<ImageInputValue.Refused>(ImageInputParser.Classify(text, Max)).Reason);
    }

    [Fact]
    public void Images_over_the_size_cap_are_refused()
    {
        var png = TestImages.Png(64, 64);

        Assert.Equal("the image is larger than 100 bytes",
            Assert.IsType<ImageInputValue.Refused>(ImageInputParser.Classify(Convert.ToBase64String(png), 100)).Reason);
    }

    [Fact]
    public void Image_upload_inputs_come_from_the_schema()
    {
        var info = JsonNode.Parse("""
            {"input": {"required": {"image": [["a.png"], {"image_upload": true}], "channel": [["alpha"], {}]},
                       "optional": {"mask": ["STRING", {"image_upload": true}], "other": ["INT", {"default": 1}]}}}
            """)!.AsObject();

        Assert.Equal(["image", "mask"], ImageInputCatalog.ImageUploadInputs(info));
    }

    [Theory]
    [InlineData("", "a.png", true)]
    [InlineData("sub", "a.png", true)]
    [InlineData("..", "a.png", false)]
    [InlineData("sub", "../../a.png", false)]
    [InlineData("/etc", "passwd", false)]
    [InlineData("", "/etc/passwd", false)]
    [InlineData("", "", false)]
    public void Cleanup_paths_stay_inside_the_folder(string subfolder, string fileName, bool allowed)
    {
        var root = Path.Combine(Path.GetTempPath(), "comfy-output");
        var path = JobFileCleanup.SafePath(root, subfolder, fileName);

        Assert.Equal(allowed, path is not null);
        if (path is not null)
        {
            Assert.Equal(Path.GetFullPath(Path.Combine(root, subfolder, fileName)), path);
        }
    }

    [Fact]
    public void An_interrupt_requested_by_a_client_is_a_409_of_type_interrupted()
    {
        var result = ApiProblems.FromFailure("j1", JobFailures.InterruptRequested(JobStatus.Queued), false);

        Assert.Equal(409, result.StatusCode);
        Assert.Equal("Interrupted", result.ProblemDetails.Title);
        Assert.Equal(ApiProblems.InterruptedProblemType, result.ProblemDetails.Type);
        Assert.Equal("the job was interrupted by POST /interrupt while queued", result.ProblemDetails.Detail);
        Assert.Equal("queued", result.ProblemDetails.Extensions["while"]);
        Assert.Equal(true, result.ProblemDetails.Extensions["interrupted"]);
    }
}
