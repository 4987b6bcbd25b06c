using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// Turns app-model values (literals, endpoint and connection-string references, parameters) into the strings a
/// deployment file holds. Where a resource lives differs per deployment (a Compose service, the same container on
/// Salad), so subclasses say how to reach endpoints and connection strings; parameters always become placeholders.
/// </summary>
internal abstract class DeploymentValueRenderer
{
    private readonly Dictionary<string, Placeholder> _placeholders = new(StringComparer.Ordinal);

    /// <summary>Every placeholder written so far, in order of first use.</summary>
    public IReadOnlyCollection<Placeholder> Placeholders => _placeholders.Values;

    public string Render(object? value) => value switch
    {
        null => "",
        string literal => Literal(literal),
        ReferenceExpression expression => RenderExpression(expression),
        ConnectionStringReference reference => ConnectionString(reference.Resource),
        IResourceWithConnectionString resource => ConnectionString(resource),
        EndpointReferenceExpression endpoint => Endpoint(endpoint.Endpoint, endpoint.Property),
        EndpointReference endpoint => Endpoint(endpoint, EndpointProperty.Url),
        ParameterResource parameter => Parameter(parameter),
        IManifestExpressionProvider other => throw new NotSupportedException(
            $"{other.ValueExpression} ({other.GetType().Name}) has no equivalent in this deployment file"),
        IFormattable formattable => Literal(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => Literal(value.ToString() ?? ""),
    };

    /// <summary>Writes <c>${name}</c> (or the file's form of it) and remembers it for the deployment's variable list.</summary>
    public string Use(Placeholder placeholder)
    {
        _placeholders.TryAdd(placeholder.Name, placeholder);
        return PlaceholderText(placeholder);
    }

    protected abstract string PlaceholderText(Placeholder placeholder);

    /// <summary>Literal text as the file needs it (Compose doubles '$' so it is not read as a variable).</summary>
    protected virtual string Literal(string text) => text;

    protected abstract string ConnectionString(IResourceWithConnectionString resource);

    protected abstract string Host(IResource resource);

    protected abstract int TargetPort(EndpointAnnotation endpoint, IResource resource);

    protected virtual string Parameter(ParameterResource parameter) =>
        Use(new Placeholder(Placeholder.VariableName(parameter.Name),
            parameter.Description ?? $"the AppHost parameter '{parameter.Name}'" + (parameter.Secret ? " (secret)" : ""),
            Required: true));

    protected string Endpoint(EndpointReference reference, EndpointProperty property)
    {
        var endpoint = reference.Resource.Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == reference.EndpointName)
            ?? throw new InvalidOperationException($"{reference.Resource.Name} has no endpoint named '{reference.EndpointName}'");
        var host = Host(reference.Resource);
        var port = TargetPort(endpoint, reference.Resource).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{endpoint.UriScheme}://{host}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{host}:{port}",
            EndpointProperty.Scheme => endpoint.UriScheme,
            _ => throw new NotSupportedException($"endpoint property {property} of {reference.Resource.Name}"),
        };
    }

    private string RenderExpression(ReferenceExpression expression)
    {
        if (expression.IsConditional)
        {
            throw new NotSupportedException($"conditional expression {expression.ValueExpression}");
        }

        // A placeholder cannot be URI-escaped before its value is known: it stays as written.
        var values = expression.ValueProviders
            .Select((provider, i) => i < expression.StringFormats.Count && expression.StringFormats[i] == "uri" && provider is not ParameterResource
                ? Uri.EscapeDataString(Render(provider))
                : Render(provider))
            .ToArray<object>();
        // The format's own text is literal; its {n} holes take the rendered values.
        return string.Format(CultureInfo.InvariantCulture, Literal(expression.Format), values);
    }
}
