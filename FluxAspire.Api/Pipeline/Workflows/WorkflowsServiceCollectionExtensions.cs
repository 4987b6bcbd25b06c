
namespace FluxAspire.Api.Pipeline.Workflows;

public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>Reads the built-in and custom workflow definitions now, so a broken one stops start-up with its file
    /// named, and registers what the endpoints need.</summary>
    public static IHostApplicationBuilder AddWorkflows(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(WorkflowsOptions.Section).Get<WorkflowsOptions>() ?? new WorkflowsOptions();
        var custom = options.Directory ?? builder.Configuration["WORKFLOW_DIR"] ?? "workflows";
        var builtIn = Path.Combine(AppContext.BaseDirectory, "workflows");
        var customPath = Path.GetFullPath(custom, builder.Environment.ContentRootPath);
        if (options.Directory is not null && !Directory.Exists(customPath))
        {
            throw new WorkflowDefinitionException(customPath, "the folder set in Workflows:Directory does not exist");
        }

        builder.Services.AddSingleton(WorkflowLibrary.Load(builtIn, customPath));
        builder.Services.AddSingleton<WorkflowChoices>();
        return builder;
    }
}
