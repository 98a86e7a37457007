using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>Checks <see cref="TcpPeerNetworkOptions"/> once, when the network is created.</summary>
internal static class TcpPeerNetworkOptionsValidator
{
    /// <summary>Room in a frame for a snapshot chunk's headers besides its data.</summary>
    public const int SnapshotHeaderAllowanceBytes = 64 * 1024;

    /// <exception cref="DkvException">A setting out of range (<see cref="DkvErrorCode.InvalidArgument"/>), naming it, its value and the fix.</exception>
    public static void Validate(TcpPeerNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.PeerAddresses);
        ArgumentNullException.ThrowIfNull(options.Time);
        ArgumentNullException.ThrowIfNull(options.LoggerFactory);
        Check(options.LocalId != 0, nameof(options.LocalId), "0", "replica ids start at 1");
        TcpPeerAddress.Parse(options.ListenAddress ?? string.Empty, nameof(options.ListenAddress));
        foreach ((ulong id, string address) in options.PeerAddresses)
        {
            Check(id != 0 && id != options.LocalId, nameof(options.PeerAddresses), id.ToString(System.Globalization.CultureInfo.InvariantCulture), "list every other replica by its id (1 or more), not this node itself");
            TcpPeerAddress.Parse(address ?? string.Empty, $"address of peer {id}");
        }

        Check(options.MaxMessageBytes >= 2 * SnapshotHeaderAllowanceBytes, nameof(options.MaxMessageBytes), options.MaxMessageBytes, $"use at least {2 * SnapshotHeaderAllowanceBytes}");
        Check(options.QueueCapacity >= 1, nameof(options.QueueCapacity), options.QueueCapacity, "use 1 or more");
        Check(options.QueueBytes >= 1, nameof(options.QueueBytes), options.QueueBytes, "use 1 or more");
        Check(
            options.SnapshotChunkBytes >= 1 && options.SnapshotChunkBytes <= options.MaxMessageBytes - SnapshotHeaderAllowanceBytes,
            nameof(options.SnapshotChunkBytes),
            options.SnapshotChunkBytes,
            $"use 1 to MaxMessageBytes - {SnapshotHeaderAllowanceBytes} ({options.MaxMessageBytes - SnapshotHeaderAllowanceBytes})");
        Check(options.MaxSnapshotBytes >= 1, nameof(options.MaxSnapshotBytes), options.MaxSnapshotBytes, "use 1 or more");
        Check(options.MaxOutstandingCalls >= 1, nameof(options.MaxOutstandingCalls), options.MaxOutstandingCalls, "use 1 or more");
        Check(options.ConnectTimeout > TimeSpan.Zero, nameof(options.ConnectTimeout), options.ConnectTimeout, "use a positive duration");
        Check(options.ReconnectBaseDelay > TimeSpan.Zero, nameof(options.ReconnectBaseDelay), options.ReconnectBaseDelay, "use a positive duration");
        Check(options.ReconnectMaxDelay >= options.ReconnectBaseDelay, nameof(options.ReconnectMaxDelay), options.ReconnectMaxDelay, "use at least ReconnectBaseDelay");
    }

    private static void Check(bool valid, string name, object value, string fix)
    {
        if (!valid)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"peer network option {name} = {value} is out of range; {fix}");
        }
    }
}
