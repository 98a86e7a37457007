namespace DKV.Core.Transport;

/// <summary>Binds listeners for one stream transport (the only transport-specific part of the server side).</summary>
public interface IConnectionListenerFactory
{
    /// <summary>Binds <see cref="ServerTransportOptions.Endpoint"/>; failures throw <see cref="Errors.DkvException"/> naming the endpoint and the fix.</summary>
    ValueTask<IConnectionListener> BindAsync(ServerTransportOptions options, CancellationToken cancellationToken);
}
