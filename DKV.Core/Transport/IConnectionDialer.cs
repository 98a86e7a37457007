namespace DKV.Core.Transport;

/// <summary>Opens client connections for one stream transport (the only transport-specific part of the client side).</summary>
public interface IConnectionDialer
{
    /// <summary>
    /// Connects to <paramref name="endpoint"/> with the socket options in <paramref name="options"/>. A malformed endpoint throws
    /// <see cref="Errors.DkvException"/> with <see cref="Errors.DkvErrorCode.InvalidArgument"/>; a refused or unreachable one
    /// throws <see cref="Errors.DkvException"/> with <see cref="Errors.DkvErrorCode.Unavailable"/>.
    /// </summary>
    ValueTask<IDuplexConnection> DialAsync(string endpoint, ClientTransportOptions options, CancellationToken cancellationToken);
}
