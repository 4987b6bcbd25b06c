using FluxAspire.Api.Pipeline.Jobs;
using SkiaSharp;

namespace FluxAspire.Api.Pipeline.Outputs;

/// <summary>
/// Re-encodes output files as JPEG or WebP (convert_output). As in the recipe, a failure is not fatal: a file that is
/// not an image SkiaSharp can decode (a video, a text file) keeps its bytes and name, and is logged.
/// </summary>
public sealed partial class OutputConverter(ILogger<OutputConverter> logger)
{
    public JobOutputFile Convert(string jobId, JobOutputFile file, ConvertOutputOptions options)
    {
        try
        {
            SKBitmap? decoded;
            using (var source = file.Content.OpenRead())
            {
                decoded = SKBitmap.Decode(source);
            }

            using var bitmap = decoded;
            if (bitmap is null)
            {
                LogNotAnImage(jobId, file.Filename, options.Format);
                return file;
            }

            using var pixels = bitmap.PeekPixels();
            var encoded = true;
            // Straight into chunks: the encoder writes to the stream, no array in between.
            var converted = OutputBytes.Write(stream => encoded = options.Webp is { } webp
                ? pixels.Encode(stream, WebpEncoding(webp))
                : pixels.Encode(stream, JpegEncoding(options.Jpeg ?? new JpegOptions())));
            if (!encoded || converted.IsEmpty)
            {
                LogFailed(jobId, file.Filename, options.Format, "the encoder returned nothing");
                return file;
            }

            // Length is not derived again by "with": set it, or it would keep the PNG's length.
            return file with { Filename = Path.ChangeExtension(file.Filename, options.Extension), Content = converted, Length = converted.Length };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(jobId, file.Filename, options.Format, ex.Message);
            return file;
        }
    }

    internal static SKJpegEncoderOptions JpegEncoding(JpegOptions jpeg) => new(
        jpeg.Quality,
        jpeg.ChromaSubsampling == "4:4:4" ? SKJpegEncoderDownsample.Downsample444 : SKJpegEncoderDownsample.Downsample420,
        // JPEG has no alpha; flattening on black is what sharp (libvips) does by default.
        SKJpegEncoderAlphaOption.BlendOnBlack);

    // For lossless WebP, libwebp reads "quality" as effort (0 fast .. 100 small), so sharp's effort 0-6 maps onto it.
    internal static SKWebpEncoderOptions WebpEncoding(WebpOptions webp) => webp.Lossless
        ? new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, webp.Effort * 100f / 6f)
        : new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, webp.Quality);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: output {Filename} is not an image that can be converted to {Format}; returned unchanged")]
    private partial void LogNotAnImage(string jobId, string filename, string format);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: converting output {Filename} to {Format} failed ({Reason}); returned unchanged")]
    private partial void LogFailed(string jobId, string filename, string format, string reason);
}
