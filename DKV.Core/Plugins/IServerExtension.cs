namespace DKV.Core.Plugins;

/// <summary>
/// A service that runs alongside the server, for example another front end listening on its own endpoint. A plugin registers it
/// as a keyed singleton under a short name (<c>services.AddKeyedSingleton&lt;IServerExtension, MyExtension&gt;("resp")</c>); the
/// host starts every registered extension after its shards and transport are up, and stops them before it stops the transport.
/// </summary>
/// <remarks>
/// An extension decides from <see cref="IServerContext.Settings"/> whether it has work to do; one that is not configured returns
/// from <see cref="StartAsync"/> at once. An exception from <see cref="StartAsync"/> fails the server's start. The host calls
/// <see cref="StartAsync"/> once and <see cref="StopAsync"/> at most once, from one thread.
/// </remarks>
public interface IServerExtension
{
    /// <summary>Starts the extension; returns once it is serving (for a listener: once the endpoint is bound).</summary>
    Task StartAsync(IServerContext context, CancellationToken cancellationToken);

    /// <summary>Stops the extension and releases what it holds; <paramref name="cancellationToken"/> ends a graceful drain early.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
