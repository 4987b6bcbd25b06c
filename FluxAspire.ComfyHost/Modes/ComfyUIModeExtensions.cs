using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Records which ComfyUI mode runs and why, and tells the person running the AppHost.</summary>
public static class ComfyUIModeExtensions
{
    /// <summary>
    /// Adds <paramref name="mode"/> to the resource, logs it when the app starts (AppHost log, category <c>ComfyUI</c>)
    /// and shows it as the dashboard properties <c>comfyui.mode</c> and <c>comfyui.mode.reason</c>.
    /// </summary>
    /// <param name="builder">The ComfyUI resource.</param>
    /// <param name="mode">The mode and its reason.</param>
    public static IResourceBuilder<T> WithComfyUIMode<T>(this IResourceBuilder<T> builder, ComfyUIModeAnnotation mode)
        where T : IComfyUIResource
    {
        var resource = builder.Resource;
        builder.WithAnnotation(mode, ResourceAnnotationMutationBehavior.Replace);
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ComfyUI");
            var where = resource is ComfyUIExternalResource external ? $" at {external.Url}" : "";
            var hint = mode.Mode == ComfyUIMode.Simulator && mode.Reason != $"set by {ComfyUIHostOptions.SectionName}:Mode"
                ? ". Set ComfyUI:Mode=container to use the GPU container regardless"
                : "";
            logger.LogInformation("ComfyUI '{Name}' runs as {Mode}{Where}: {Reason}{Hint}", resource.Name, mode.ModeName, where, mode.Reason, hint);
            return Task.CompletedTask;
        });

        // DCP-run resources get the properties when they start; the external one, which nothing starts, when it initialises.
        Task ShowAsync(ResourceNotificationService notifications) => notifications.PublishUpdateAsync(resource, s => s with
        {
            Properties = s.Properties
                .WithProperty(ComfyUIModeAnnotation.ModeProperty, mode.ModeName)
                .WithProperty(ComfyUIModeAnnotation.ReasonProperty, mode.Reason),
        });
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, (e, _) =>
            ShowAsync(e.Services.GetRequiredService<ResourceNotificationService>()));
        builder.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(resource, (e, _) => ShowAsync(e.Notifications));
        return builder;
    }
}
