namespace DKV.Core.Transport;

/// <summary>The listening side of a transport. Created by <see cref="ITransportFactory.CreateServer"/>.</summary>
public interface IServerTransport : IAsyncDisposable
{
    /// <summary>The endpoint actually bound (port 0 resolved), in the same syntax as the configured one. Valid after start.</summary>
    string BoundEndpoint { get; }

    /// <summary>Binds and starts accepting. Returns once the endpoint is bound; errors binding throw <see cref="Errors.DkvException"/>.</summary>
    ValueTask StartAsync(IRequestHandler handler, CancellationToken cancellationToken);

    /// <summary>Stops accepting, lets in-flight requests finish (until <paramref name="cancellationToken"/> fires), then closes every connection.</summary>
    ValueTask StopAsync(CancellationToken cancellationToken);
}
