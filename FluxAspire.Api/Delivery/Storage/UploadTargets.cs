using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>One of the recipe's upload keys, parsed: where a job's outputs go and whether the request waits for them.</summary>
public interface IUploadTarget
{
    /// <summary>The request key ("s3", "azure_blob_upload", "hf_upload", "http_upload"): errors and logs name it.</summary>
    [JsonIgnore]
    string Field { get; }

    bool Async { get; }
}

/// <summary>The recipe's s3: {bucket, prefix, async=false}; each output goes to s3://bucket/prefix+filename.</summary>
public sealed partial record S3UploadRequest(string Bucket, string Prefix, bool Async) : IUploadTarget
{
    public const string Key = "s3";

    [JsonIgnore]
    public string Field => Key;

    public string ObjectKey(string filename) => Prefix + filename;

    public string UrlFor(string filename) => $"s3://{Bucket}/{ObjectKey(filename)}";

    public static S3UploadRequest? Parse(JsonObject raw, IDictionary<string, string[]> errors)
    {
        var fields = new UploadFields(Key, raw, errors, "bucket", "prefix", "async");
        var bucket = fields.Text("bucket");
        if (bucket is not null && !BucketName().IsMatch(bucket))
        {
            fields.Fail("bucket", "must be an S3 bucket name (3-63 lowercase letters, digits, '.' and '-')");
        }

        var prefix = fields.Text("prefix", fallback: "", allowEmpty: true);
        var isAsync = fields.Async();
        fields.RefuseUnknown();
        return fields.Valid ? new S3UploadRequest(bucket!, prefix!, isAsync) : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    internal static partial Regex BucketName();
}

/// <summary>The recipe's azure_blob_upload: {container, blob_prefix="", async=false}; each output becomes the blob
/// blob_prefix+filename in the container.</summary>
public sealed partial record AzureBlobUploadRequest(string Container, string BlobPrefix, bool Async) : IUploadTarget
{
    public const string Key = "azure_blob_upload";

    [JsonIgnore]
    public string Field => Key;

    public string BlobName(string filename) => BlobPrefix + filename;

    public static AzureBlobUploadRequest? Parse(JsonObject raw, IDictionary<string, string[]> errors)
    {
        var fields = new UploadFields(Key, raw, errors, "container", "blob_prefix", "async");
        var container = fields.Text("container");
        if (container is not null && !ContainerName().IsMatch(container))
        {
            fields.Fail("container", "must be an Azure container name (3-63 lowercase letters, digits and single '-')");
        }

        var prefix = fields.Text("blob_prefix", fallback: "", allowEmpty: true);
        var isAsync = fields.Async();
        fields.RefuseUnknown();
        return fields.Valid ? new AzureBlobUploadRequest(container!, prefix!, isAsync) : null;
    }

    [GeneratedRegex("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}

/// <summary>The recipe's hf_upload: {repo, repo_type="model"|"dataset", revision="main", directory="/", async=false};
/// the outputs are committed to the repo at directory/filename.</summary>
public sealed partial record HfUploadRequest(string Repo, string RepoType, string Revision, string Directory, bool Async) : IUploadTarget
{
    public const string Key = "hf_upload";

    [JsonIgnore]
    public string Field => Key;

    /// <summary>The file's path in the repo: directory (no leading or trailing '/') then the file name.</summary>
    public string PathInRepo(string filename)
    {
        var directory = Directory.Trim('/');
        return directory.Length == 0 ? filename : $"{directory}/{filename}";
    }

    /// <summary>"datasets/owner/name" or "owner/name": the repo's place in Hub URLs.</summary>
    [JsonIgnore]
    public string UrlPath => RepoType == "dataset" ? $"datasets/{Repo}" : Repo;

    public static HfUploadRequest? Parse(JsonObject raw, IDictionary<string, string[]> errors)
    {
        var fields = new UploadFields(Key, raw, errors, "repo", "repo_type", "revision", "directory", "async");
        var repo = fields.Text("repo");
        if (repo is not null && !RepoId().IsMatch(repo))
        {
            fields.Fail("repo", "must be a Hugging Face repo id: owner/name (letters, digits, '-', '_' and '.')");
        }

        var type = fields.Text("repo_type", fallback: "model");
        if (type is not null and not ("model" or "dataset"))
        {
            fields.Fail("repo_type", "must be model or dataset");
        }

        var revision = fields.Text("revision", fallback: "main");
        if (revision is not null && (revision.Contains("..", StringComparison.Ordinal) || revision.Any(c => c is '?' or '#' or '\\' || char.IsWhiteSpace(c))))
        {
            fields.Fail("revision", "must be a branch name, tag or commit");
        }

        var directory = fields.Text("directory", fallback: "/", allowEmpty: true);
        if (directory is not null && directory.Split('/').Any(s => s is ".." or "."))
        {
            fields.Fail("directory", "must not contain '.' or '..' segments");
        }

        var isAsync = fields.Async();
        fields.RefuseUnknown();
        return fields.Valid ? new HfUploadRequest(repo!, type!, revision!, directory!, isAsync) : null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")]
    private static partial Regex RepoId();
}
