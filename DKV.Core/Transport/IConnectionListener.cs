namespace DKV.Core.Transport;

/// <summary>A bound listening endpoint of one stream transport. Disposing it stops accepting and releases the endpoint.</summary>
public interface IConnectionListener : IAsyncDisposable
{
    /// <summary>The endpoint actually bound (port 0 resolved), in the transport's endpoint syntax.</summary>
    string BoundEndpoint { get; }

    /// <summary>
    /// Waits for the next connection. Throws <see cref="OperationCanceledException"/> when cancelled and
    /// <see cref="ObjectDisposedException"/> once disposed; other exceptions are transient accept errors.
    /// </summary>
    ValueTask<IDuplexConnection> AcceptAsync(CancellationToken cancellationToken);
}
