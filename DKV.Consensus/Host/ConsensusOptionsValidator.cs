using System.Globalization;
using DKV.Core.Consensus;
using DKV.Core.Errors;

namespace DKV.Consensus.Host;

/// <summary>Checks <see cref="ConsensusNodeOptions"/> and names the flag, the value and the fix of the first bad one.</summary>
internal static class ConsensusOptionsValidator
{
    private static readonly TimeSpan s_maxRtt = TimeSpan.FromMinutes(1);

    /// <exception cref="DkvException">An option is invalid (<see cref="DkvErrorCode.InvalidArgument"/>).</exception>
    public static void Validate(ConsensusNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateMembers(options);
        Require(!string.IsNullOrWhiteSpace(options.DataDirectory), "--data-dir", options.DataDirectory, "give the folder for the write-ahead log and snapshots");
        Require(options.GroupIds is { Count: > 0 }, "--shards", "none", "configure at least one dstore shard");
        Require(options.GroupIds.Distinct().Count() == options.GroupIds.Count, "--shards", string.Join(",", options.GroupIds), "give every dstore shard a distinct id");
        Require(options.Engines is not null, "engine", "none", "load an engine plugin (for example maple)");
        Require(options.Rtt > TimeSpan.Zero && options.Rtt <= s_maxRtt, "--rtt-millisecond", options.Rtt.TotalMilliseconds, "use 1 to 60000 milliseconds");
        Require(options.HeartbeatRttFactor is >= 1 and <= 1000, "--heartbeat-rtt-factor", options.HeartbeatRttFactor, "use 1 to 1000");
        Require(options.ElectionRttFactor > options.HeartbeatRttFactor && options.ElectionRttFactor <= 10_000, "--election-rtt-factor",
            options.ElectionRttFactor, $"use more than --heartbeat-rtt-factor ({options.HeartbeatRttFactor}) and at most 10000; ten times it is usual");
        Require(options.RequestTimeout > TimeSpan.Zero, "--timeout", options.RequestTimeout, "use a positive duration");
        Require(options.Time is not null, "Time", "null", "pass a TimeProvider");
        Require(options.LoggerFactory is not null, "LoggerFactory", "null", "pass a logger factory");
        Require(options.Settings is not null, "--plugin-setting", "null", "pass an empty dictionary when there are no settings");
    }

    private static void ValidateMembers(ConsensusNodeOptions options)
    {
        IReadOnlyList<ClusterMember> members = options.Members;
        Require(members is { Count: > 0 }, "--cluster-members", "none", "list every replica as name=host:port,...");
        Require(members.All(m => !string.IsNullOrWhiteSpace(m.Name)), "--cluster-members", Describe(members), "give every replica a name");
        Require(members.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() == members.Count, "--cluster-members", Describe(members),
            "give every replica a distinct name");
        Require(members.All(m => m.Id != 0) && members.Select(m => m.Id).Distinct().Count() == members.Count, "--cluster-members",
            Describe(members), "replica ids (hashes of the names) must be non-zero and distinct; rename a replica");
        foreach (ClusterMember member in members)
        {
            Require(IsHostPort(member.Address), "--cluster-members", $"{member.Name}={member.Address}", "use name=host:port for every replica");
        }

        Require(members.Any(m => m.Name == options.ReplicaName), "--replica-id", options.ReplicaName,
            $"use one of the cluster members ({string.Join(", ", members.Select(m => m.Name))})");
    }

    private static bool IsHostPort(string address)
    {
        int colon = address?.LastIndexOf(':') ?? -1;
        return colon > 0 && ushort.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    private static string Describe(IReadOnlyList<ClusterMember> members) => string.Join(",", members.Select(m => $"{m.Name}={m.Address}"));

    private static void Require(bool condition, string name, object? value, string fix)
    {
        if (!condition)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"{name} = '{value}' is invalid: {fix}");
        }
    }
}
