using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// docker-compose.yml for one GPU host: each project and container of the app model becomes a service, Redis runs as
/// redis:7 with an append-only data volume, GPU containers get an NVIDIA device reservation (the runtime arguments
/// <c>dotnet run</c> uses never reach the manifest), and only the API publishes a port.
/// </summary>
internal sealed class ComposeFile(DeploymentModel model, string outputDirectory)
{
    public const string FileName = "docker-compose.yml";
    public const string RedisImage = "redis:7";

    private readonly ComposeValueRenderer _values = new(model);
    private readonly YamlMap _volumes = [];

    /// <summary>The variables the file reads from <c>.env</c>, known once <see cref="BuildAsync"/> has run.</summary>
    public IReadOnlyCollection<Placeholder> Variables => _values.Placeholders;

    public async Task<string> BuildAsync(CancellationToken cancellationToken)
    {
        var services = new YamlMap();
        foreach (var resource in model.Resources)
        {
            services.Add(resource.Name, resource switch
            {
                _ when DeploymentModel.IsRedis(resource) => RedisService((IResourceWithConnectionString)resource),
                ProjectResource project => await ProjectServiceAsync(project, cancellationToken),
                ContainerResource container => await ContainerServiceAsync(container, cancellationToken),
                _ => throw new InvalidOperationException($"{resource.Name} is not a service"),
            });
        }

        var document = new YamlMap { { "name", model.Options.ComposeProjectName }, { "services", services } };
        if (_volumes.Count > 0)
        {
            document.Add("volumes", _volumes);
        }

        return Yaml.Write(document);
    }

    private async Task<YamlMap> ProjectServiceAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var service = new YamlMap { { "image", ImageOf(project) } };
        await AddCommandAsync(service, project, cancellationToken);
        var environment = await EnvironmentAsync(project, cancellationToken);
        foreach (var (name, value) in DeploymentModel.TelemetryEnvironment(project))
        {
            AddIfAbsent(environment, name, value(_values));
        }

        if (ReferenceEquals(project, model.Api))
        {
            AddIfAbsent(environment, "WEBHOOK_SECRET", _values.Use(Placeholder.WebhookSecret));
            AddIfAbsent(environment, "Api__Key", _values.Use(Placeholder.ApiKey));
            var http = project.Annotations.OfType<EndpointAnnotation>().First(e => e.UriScheme == "http");
            var port = model.TargetPort(http, project);
            service.Add("ports", new List<object> { $"{model.Options.Port}:{port}" });
        }

        service.Add("environment", environment);
        AddDependencies(service, project);
        service.Add("restart", RestartPolicy(project));
        return service;
    }

    private async Task<YamlMap> ContainerServiceAsync(ContainerResource container, CancellationToken cancellationToken)
    {
        var service = new YamlMap();
        if (container.Annotations.OfType<DockerfileBuildAnnotation>().LastOrDefault() is { } build)
        {
            service.Add("build", new YamlMap
            {
                { "context", RelativeToOutput(build.ContextPath) },
                { "dockerfile", Path.GetRelativePath(build.ContextPath, build.DockerfilePath).Replace('\\', '/') },
            });
            service.Add("image", model.Options.Images.GetValueOrDefault(container.Name) ?? $"{model.Options.ComposeProjectName}/{container.Name}:latest");
        }
        else
        {
            service.Add("image", ImageOf(container));
        }

        if (container.Entrypoint is { } entrypoint)
        {
            service.Add("entrypoint", new List<object> { entrypoint });
        }

        await AddCommandAsync(service, container, cancellationToken);
        var environment = await EnvironmentAsync(container, cancellationToken);
        if (environment.Count > 0)
        {
            service.Add("environment", environment);
        }

        var volumes = container.Annotations.OfType<ContainerMountAnnotation>().Select(Mount).ToList<object>();
        if (volumes.Count > 0)
        {
            service.Add("volumes", volumes);
        }

        if (container.Annotations.OfType<GpuSupportAnnotation>().LastOrDefault() is { } gpu)
        {
            service.Add("deploy", GpuReservation(gpu));
        }

        if (HealthCheck(container) is { } healthCheck)
        {
            service.Add("healthcheck", healthCheck);
        }

        AddDependencies(service, container);
        service.Add("restart", RestartPolicy(container));
        return service;
    }

    private YamlMap RedisService(IResourceWithConnectionString redis)
    {
        var volume = $"{redis.Name}-data";
        _volumes.Add(volume, new YamlMap());
        List<object> command = ["redis-server", "--appendonly", "yes"];
        var ping = new List<object> { "CMD", "redis-cli" };
        if (ComposeValueRenderer.RedisPassword(redis) is { } password)
        {
            var secret = _values.Render(password);
            command.AddRange(["--requirepass", secret]);
            ping.AddRange(["-a", secret]);
        }

        ping.Add("ping");
        return new YamlMap
        {
            { "image", model.Options.Images.GetValueOrDefault(redis.Name) ?? RedisImage },
            { "command", command },
            { "volumes", new List<object> { $"{volume}:/data" } },
            { "healthcheck", new YamlMap { { "test", ping }, { "interval", "10s" }, { "timeout", "5s" }, { "retries", 5 } } },
            { "restart", "unless-stopped" },
        };
    }

    // A project's image runs the app and a container's its entrypoint: the app model's arguments follow as the command.
    private async Task AddCommandAsync(YamlMap service, IResource resource, CancellationToken cancellationToken)
    {
        var arguments = await model.ArgumentsAsync(resource, cancellationToken);
        if (arguments.Count > 0)
        {
            service.Add("command", arguments.Select(a => (object)_values.Render(a)).ToList());
        }
    }

    private async Task<YamlMap> EnvironmentAsync(IResource resource, CancellationToken cancellationToken)
    {
        var environment = new YamlMap();
        foreach (var (name, value) in await model.EnvironmentAsync(resource, cancellationToken))
        {
            environment.Add(name, _values.Render(value));
        }

        return environment;
    }

    private static void AddIfAbsent(YamlMap map, string key, object value)
    {
        if (!map.Any(entry => entry.Key == key))
        {
            map.Add(key, value);
        }
    }

    /// <summary>Waits become start conditions: healthy where the service has a health check, else started.</summary>
    private void AddDependencies(YamlMap service, IResource resource)
    {
        var dependencies = new YamlMap();
        foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
        {
            var target = wait.Resource;
            if (!model.Resources.Contains(target) || dependencies.Any(d => d.Key == target.Name))
            {
                continue;
            }

            var condition = wait.WaitType == WaitType.WaitForCompletion ? "service_completed_successfully"
                : HasHealthCheck(target) ? "service_healthy"
                : "service_started";
            dependencies.Add(target.Name, new YamlMap { { "condition", condition } });
        }

        foreach (var reference in resource.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference"))
        {
            if (model.Resources.Contains(reference.Resource) && !dependencies.Any(d => d.Key == reference.Resource.Name))
            {
                dependencies.Add(reference.Resource.Name, new YamlMap { { "condition", "service_started" } });
            }
        }

        if (dependencies.Count > 0)
        {
            service.Add("depends_on", dependencies);
        }
    }

    /// <summary>
    /// Services stay up, except one-shot steps others wait to complete (a model download): restarting those would rerun
    /// them forever.
    /// </summary>
    private string RestartPolicy(IResource resource) =>
        model.Resources.Any(r => r.Annotations.OfType<WaitAnnotation>().Any(w => w.Resource == resource && w.WaitType == WaitType.WaitForCompletion))
            ? "no"
            : "unless-stopped";

    private static bool HasHealthCheck(IResource resource) => DeploymentModel.IsRedis(resource) || resource is IComfyUIResource and ContainerResource;

    /// <summary>ComfyUI answers /system_stats once it serves; its image has Python but no curl.</summary>
    private YamlMap? HealthCheck(ContainerResource container)
    {
        if (container is not IComfyUIResource)
        {
            return null;
        }

        var http = container.Annotations.OfType<EndpointAnnotation>().First(e => e.UriScheme == "http");
        var url = $"http://127.0.0.1:{model.TargetPort(http, container)}{ComfyUIBuilderExtensions.HealthCheckPath}";
        return new YamlMap
        {
            { "test", new List<object> { "CMD", "python", "-c", $"import urllib.request; urllib.request.urlopen('{url}', timeout=4)" } },
            { "interval", "10s" },
            { "timeout", "5s" },
            { "retries", 6 },
            { "start_period", "120s" },
        };
    }

    private static YamlMap GpuReservation(GpuSupportAnnotation gpu) => new()
    {
        {
            "resources", new YamlMap
            {
                {
                    "reservations", new YamlMap
                    {
                        {
                            "devices", new List<object>
                            {
                                new YamlMap
                                {
                                    { "driver", gpu.Vendor.ToString().ToLowerInvariant() },
                                    // One ComfyUI per GPU gets its own card; otherwise a count (or all) of them.
                                    gpu.DeviceIndex is { } index
                                        ? new KeyValuePair<string, object>("device_ids", new List<object> { index.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                                        : new KeyValuePair<string, object>("count", gpu.Count is { } count ? count : "all"),
                                    { "capabilities", new List<object> { "gpu" } },
                                },
                            }
                        },
                    }
                },
            }
        },
    };

    private string Mount(ContainerMountAnnotation mount)
    {
        var suffix = mount.IsReadOnly ? ":ro" : "";
        if (mount.Type == ContainerMountType.BindMount)
        {
            var source = RelativeToOutput(mount.Source!);
            return $"{(source.StartsWith('.') || source.StartsWith('/') ? source : "./" + source)}:{mount.Target}{suffix}";
        }

        if (mount.Source is not { } name)
        {
            return mount.Target;
        }

        if (!_volumes.Any(v => v.Key == name))
        {
            _volumes.Add(name, new YamlMap());
        }

        return $"{name}:{mount.Target}{suffix}";
    }

    private string ImageOf(IResource resource) =>
        model.Options.Images.GetValueOrDefault(resource.Name) ?? resource switch
        {
            ProjectResource project => ProjectImage.Of(project),
            _ when resource.TryGetLastAnnotation<ContainerImageAnnotation>(out var image) =>
                $"{(image.Registry is { Length: > 0 } registry ? registry + "/" : "")}{image.Image}:{image.Tag ?? "latest"}",
            _ => throw new InvalidOperationException($"{resource.Name} has no image; set {DeploymentOptions.SectionName}:Images:{resource.Name}"),
        };

    // Compose resolves relative paths from the folder of the compose file.
    private string RelativeToOutput(string path) => Path.GetRelativePath(outputDirectory, path).Replace('\\', '/');
}
