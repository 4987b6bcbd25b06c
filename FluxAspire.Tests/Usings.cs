global using FluxAspire.Tests.Infrastructure;
