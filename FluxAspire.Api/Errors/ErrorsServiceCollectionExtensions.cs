using Microsoft.AspNetCore.Routing;

namespace FluxAspire.Api.Errors;

public static class ErrorsServiceCollectionExtensions
{
    /// <summary>Problem details for every error, including unreadable request bodies (400, not 500).</summary>
    public static IHostApplicationBuilder AddApiErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }
}
