using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>
/// Which upload providers this server has, read once at start-up from each one's standard environment, as the recipe
/// reads it: S3 when AWS_REGION or AWS_DEFAULT_REGION is set; Azure Blob Storage with AZURE_STORAGE_CONNECTION_STRING, or
/// AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN; the Hugging Face Hub with HF_TOKEN. A request
/// naming a provider that is not configured gets a 400 saying so. Secrets are held here and nowhere else: ToString and
/// every message leave them out.
/// </summary>
public sealed class StorageProviders(S3Settings? s3, AzureBlobSettings? azure, HuggingFaceSettings? hf)
{
    public S3Settings? S3 { get; } = s3;

    public AzureBlobSettings? Azure { get; } = azure;

    public HuggingFaceSettings? HuggingFace { get; } = hf;

    private static readonly Dictionary<string, string> Services = new(StringComparer.Ordinal)
    {
        [S3UploadRequest.Key] = "S3",
        [AzureBlobUploadRequest.Key] = "Azure Blob Storage",
        [HfUploadRequest.Key] = "Hugging Face",
    };

    /// <summary>The request keys of the providers configured here (the OpenAPI document lists only these).</summary>
    public IReadOnlyList<string> Configured =>
        [.. new[] { (S3UploadRequest.Key, S3 is not null), (HfUploadRequest.Key, HuggingFace is not null), (AzureBlobUploadRequest.Key, Azure is not null) }
            .Where(p => p.Item2).Select(p => p.Item1)];

    public static StorageProviders FromConfiguration(IConfiguration configuration) => new(
        S3Settings.FromConfiguration(configuration),
        AzureBlobSettings.FromConfiguration(configuration),
        HuggingFaceSettings.FromConfiguration(configuration));

    public override string ToString() => $"storage providers: {string.Join(", ", Configured.DefaultIfEmpty("none"))}";

    /// <summary>The request's s3, azure_blob_upload and hf_upload keys (JSON null counts as absent), typed; a 400 error per
    /// bad field, or for a provider this server does not have.</summary>
    public (S3UploadRequest? S3, AzureBlobUploadRequest? Azure, HfUploadRequest? Hf) ParseUploads(
        IReadOnlyDictionary<string, JsonNode?> raw, IDictionary<string, string[]> errors)
    {
        JsonObject? Present(string key, bool configured)
        {
            if (!raw.TryGetValue(key, out var node) || node is null) return null;
            if (!configured)
            {
                errors[key] = [$"uploads to {Services[key]} are not configured on this server; use http_upload"];
                return null;
            }

            if (node is JsonObject value) return value;
            errors[key] = ["must be an object"];
            return null;
        }

        var s3 = Present(S3UploadRequest.Key, S3 is not null) is { } s3Raw ? S3UploadRequest.Parse(s3Raw, errors) : null;
        var azure = Present(AzureBlobUploadRequest.Key, Azure is not null) is { } azureRaw ? AzureBlobUploadRequest.Parse(azureRaw, errors) : null;
        var hf = Present(HfUploadRequest.Key, HuggingFace is not null) is { } hfRaw ? HfUploadRequest.Parse(hfRaw, errors) : null;
        return (s3, azure, hf);
    }
}

/// <summary>S3 from the standard AWS environment: AWS_REGION (or AWS_DEFAULT_REGION) turns it on; AWS_ENDPOINT_URL_S3 or
/// AWS_ENDPOINT_URL names an S3-compatible store (path-style addressing then, unless AWS_S3_FORCE_PATH_STYLE=false).
/// Credentials are the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE, …),
/// never read here.</summary>
public sealed record S3Settings(string Region, Uri? Endpoint, bool ForcePathStyle)
{
    public static S3Settings? FromConfiguration(IConfiguration configuration)
    {
        var region = NonEmpty(configuration["AWS_REGION"]) ?? NonEmpty(configuration["AWS_DEFAULT_REGION"]);
        if (region is null) return null;
        var endpointText = NonEmpty(configuration["AWS_ENDPOINT_URL_S3"]) ?? NonEmpty(configuration["AWS_ENDPOINT_URL"]);
        Uri? endpoint = null;
        if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException("AWS_ENDPOINT_URL must be an absolute http or https URL");
        }

        var pathStyle = NonEmpty(configuration["AWS_S3_FORCE_PATH_STYLE"]) is { } flag ? bool.Parse(flag) : endpoint is not null;
        return new S3Settings(region, endpoint, pathStyle);
    }

    internal static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Azure Blob Storage: AZURE_STORAGE_CONNECTION_STRING (Azurite's too), or AZURE_STORAGE_ACCOUNT with
/// AZURE_STORAGE_KEY (shared key) or AZURE_STORAGE_SAS_TOKEN; AZURE_STORAGE_BLOB_ENDPOINT overrides
/// https://&lt;account&gt;.blob.core.windows.net for the latter two.</summary>
public sealed class AzureBlobSettings
{
    private AzureBlobSettings(string? connectionString, string? account, string? key, string? sas, Uri? serviceUri)
    {
        ConnectionString = connectionString;
        Account = account;
        Key = key;
        SasToken = sas;
        ServiceUri = serviceUri;
    }

    internal string? ConnectionString { get; }

    internal string? Account { get; }

    internal string? Key { get; }

    internal string? SasToken { get; }

    /// <summary>The blob service's address (null with a connection string, where the client works it out).</summary>
    internal Uri? ServiceUri { get; }

    public static AzureBlobSettings? FromConfiguration(IConfiguration configuration)
    {
        if (S3Settings.NonEmpty(configuration["AZURE_STORAGE_CONNECTION_STRING"]) is { } connection)
        {
            return new AzureBlobSettings(connection, null, null, null, null);
        }

        if (S3Settings.NonEmpty(configuration["AZURE_STORAGE_ACCOUNT"]) is not { } account) return null;
        var key = S3Settings.NonEmpty(configuration["AZURE_STORAGE_KEY"]);
        var sas = S3Settings.NonEmpty(configuration["AZURE_STORAGE_SAS_TOKEN"]);
        if (key is null && sas is null) return null;
        var endpoint = S3Settings.NonEmpty(configuration["AZURE_STORAGE_BLOB_ENDPOINT"]) ?? $"https://{account}.blob.core.windows.net";
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var serviceUri) || serviceUri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException("AZURE_STORAGE_BLOB_ENDPOINT must be an absolute http or https URL");
        }

        return new AzureBlobSettings(null, account, key, sas?.TrimStart('?'), serviceUri);
    }

    public override string ToString() => "Azure Blob Storage (credentials hidden)";
}

/// <summary>The Hugging Face Hub: HF_TOKEN turns it on (a request's credentials may name another token for its repo);
/// HF_ENDPOINT points at another Hub (default https://huggingface.co), as huggingface_hub reads it.</summary>
public sealed class HuggingFaceSettings
{
    private HuggingFaceSettings(string token, Uri endpoint)
    {
        Token = token;
        Endpoint = endpoint;
    }

    internal string Token { get; }

    public Uri Endpoint { get; }

    public static HuggingFaceSettings? FromConfiguration(IConfiguration configuration)
    {
        if (S3Settings.NonEmpty(configuration["HF_TOKEN"]) is not { } token) return null;
        var endpoint = S3Settings.NonEmpty(configuration["HF_ENDPOINT"]) ?? "https://huggingface.co";
        if (!Uri.TryCreate(endpoint.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException("HF_ENDPOINT must be an absolute http or https URL");
        }

        return new HuggingFaceSettings(token, uri);
    }

    public override string ToString() => $"Hugging Face Hub at {Endpoint} (token hidden)";
}
