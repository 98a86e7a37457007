namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>What a <see cref="TcpProxy"/> does with connections.</summary>
internal enum ProxyMode
{
    /// <summary>Accepts connections and forwards bytes both ways to the target.</summary>
    Forward,

    /// <summary>Drops every open connection and closes new ones as soon as they are accepted (a refused peer).</summary>
    Refuse,

    /// <summary>Drops every open connection; new ones are accepted and their bytes read and discarded, never answered (a silent network).</summary>
    BlackHole,
}
