using System.Globalization;
using DKV.Core.Errors;

namespace DKV.Consensus.Host;

/// <summary>
/// The node host's own limits, from <c>--plugin-setting raft.name=value</c> (<see cref="Core.Consensus.ConsensusNodeOptions.Settings"/>).
/// Every value is checked when the node starts; an unknown name is refused so a typo is not silently ignored.
/// </summary>
internal sealed record NodeHostSettings
{
    public const string ListenAddressName = "listen-address";
    public const string MaxQueuedProposalsName = "max-queued-proposals";
    public const string MaxQueuedPeerMessagesName = "max-queued-peer-messages";
    public const string MaxPendingReadsName = "max-pending-reads";
    public const string MaxUncommittedBytesName = "max-uncommitted-bytes";
    public const string MaxCommandBytesName = "max-command-bytes";
    public const string MaxLogBytesName = "max-log-bytes";
    public const string MaxBatchDelayName = "max-batch-delay-us";

    /// <summary>The most <see cref="MaxCommandBytes"/> may be: one iteration's entries must fit one write-ahead log record.</summary>
    public const int MaxCommandBytesLimit = 8 * 1024 * 1024;

    private static readonly string[] s_known =
        [ListenAddressName, MaxQueuedProposalsName, MaxQueuedPeerMessagesName, MaxPendingReadsName, MaxUncommittedBytesName, MaxCommandBytesName, MaxLogBytesName, MaxBatchDelayName];

    /// <summary>Where the peer network listens; null means this replica's member address.</summary>
    public string? ListenAddress { get; init; }

    /// <summary>Proposals queued for the event loop (all groups) before new writes fail at once with Unavailable.</summary>
    public int MaxQueuedProposals { get; init; } = 16_384;

    /// <summary>Raft messages from peers queued for the event loop before further ones are dropped (Raft retransmits).</summary>
    public int MaxQueuedPeerMessages { get; init; } = 65_536;

    /// <summary>Reads waiting for a read index per group before new reads fail at once with Unavailable.</summary>
    public int MaxPendingReads { get; init; } = 65_536;

    /// <summary>Bytes of proposed but not yet applied entries a leader holds per group before proposals fail with Unavailable.</summary>
    public long MaxUncommittedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The largest encoded write (key, value and framing); larger writes fail with TooLarge before they are proposed.</summary>
    public int MaxCommandBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Bytes of log a group holds (in memory, mirrored by the write-ahead log) before it takes a snapshot and compacts, whatever
    /// <c>--snapshot-entries</c> says: the entry count alone does not bound memory when values are large.
    /// </summary>
    public long MaxLogBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// How long a leader may hold new proposals while its previous batch is still uncommitted, so they go out as one larger batch
    /// (<c>raft.max-batch-delay-us</c>, microseconds; 0 = never hold). A write is held only while another batch is in flight.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMicroseconds(2000);

    /// <summary>Parses and checks <paramref name="settings"/>; throws InvalidArgument naming the setting, its value and the fix.</summary>
    public static NodeHostSettings Parse(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var parsed = new NodeHostSettings();
        foreach ((string name, string value) in settings)
        {
            parsed = name switch
            {
                ListenAddressName => parsed with { ListenAddress = RequireAddress(name, value) },
                MaxQueuedProposalsName => parsed with { MaxQueuedProposals = (int)ParseRange(name, value, 1, 10_000_000) },
                MaxQueuedPeerMessagesName => parsed with { MaxQueuedPeerMessages = (int)ParseRange(name, value, 16, 10_000_000) },
                MaxPendingReadsName => parsed with { MaxPendingReads = (int)ParseRange(name, value, 1, 10_000_000) },
                MaxUncommittedBytesName => parsed with { MaxUncommittedBytes = ParseRange(name, value, 1024, 1L << 40) },
                MaxCommandBytesName => parsed with { MaxCommandBytes = (int)ParseRange(name, value, 1024, MaxCommandBytesLimit) },
                MaxLogBytesName => parsed with { MaxLogBytes = ParseRange(name, value, 64 * 1024, 1L << 40) },
                MaxBatchDelayName => parsed with { MaxBatchDelay = TimeSpan.FromMicroseconds(ParseRange(name, value, 0, 1_000_000)) },
                _ => throw new DkvException(DkvErrorCode.InvalidArgument,
                    $"raft setting '{name}' is unknown; known settings: {string.Join(", ", s_known)} (pass --plugin-setting raft.<name>=<value>)"),
            };
        }

        return parsed;
    }

    private static string RequireAddress(string name, string value)
    {
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"raft setting '{name}' = '{value}' is invalid; use host:port, for example 0.0.0.0:7001");
        }

        return value;
    }

    private static long ParseRange(string name, string value, long min, long max)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number < min || number > max)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"raft setting '{name}' = '{value}' is invalid; use a whole number from {min} to {max}");
        }

        return number;
    }
}
