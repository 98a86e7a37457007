using System.Globalization;

namespace DKV.Host.Config;

/// <summary>One entry of <c>--shards</c>: a shard id and what it serves.</summary>
public sealed record ShardSpec(ulong Id, ShardKind Kind)
{
    /// <summary>The spelling used in <c>--shards</c>: <c>lstore</c>, <c>dstore</c>, <c>lockmgr(lstore)</c>, <c>lockmgr(dstore)</c>.</summary>
    public string TypeName => Kind switch
    {
        ShardKind.LocalStore => "lstore",
        ShardKind.RemoteStore => "dstore",
        ShardKind.LocalLockManager => "lockmgr(lstore)",
        ShardKind.RemoteLockManager => "lockmgr(dstore)",
        _ => throw new InvalidOperationException($"unknown shard kind {Kind}"),
    };

    /// <summary>Upstream's description, as printed in the startup summary: <c>local store</c>, <c>local lock manager</c> ...</summary>
    public string Description => Kind switch
    {
        ShardKind.LocalStore => "local store",
        ShardKind.RemoteStore => "remote store",
        ShardKind.LocalLockManager => "local lock manager",
        ShardKind.RemoteLockManager => "remote lock manager",
        _ => throw new InvalidOperationException($"unknown shard kind {Kind}"),
    };

    /// <summary>True for shards that need Raft (<c>dstore</c>, <c>lockmgr(dstore)</c>).</summary>
    public bool IsReplicated => Kind is ShardKind.RemoteStore or ShardKind.RemoteLockManager;

    /// <summary>
    /// Parses <c>--shards</c>: comma-separated <c>ID=TYPE</c> or <c>ID:TYPE</c>. Throws <see cref="ConfigException"/> with
    /// upstream dKV's messages (<c>invalid shard format: ...</c>, <c>invalid shard ID ...</c>, <c>invalid shard type: ...</c>),
    /// and for a repeated id (upstream silently kept the last one).
    /// </summary>
    public static IReadOnlyList<ShardSpec> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shards = new List<ShardSpec>();
        foreach (string entry in text.Split(','))
        {
            var shard = Parse(entry);
            if (shards.Any(s => s.Id == shard.Id))
            {
                throw new ConfigException($"duplicate shard ID {shard.Id} in --shards: {text} (each shard needs its own ID)");
            }

            shards.Add(shard);
        }

        return shards;
    }

    /// <summary>Parses one <c>ID=TYPE</c> or <c>ID:TYPE</c>.</summary>
    public static ShardSpec Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string[] parts = entry.Split('=', ':');
        if (parts.Length != 2)
        {
            throw new ConfigException($"invalid shard format: {entry} (expected ID=TYPE)");
        }

        string idText = parts[0].Trim();
        if (!ulong.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong id))
        {
            throw new ConfigException($"invalid shard ID {idText}: not an unsigned 64-bit integer");
        }

        var kind = parts[1].Trim() switch
        {
            "lstore" => ShardKind.LocalStore,
            "dstore" => ShardKind.RemoteStore,
            "lockmgr(lstore)" => ShardKind.LocalLockManager,
            "lockmgr(dstore)" => ShardKind.RemoteLockManager,
            string other => throw new ConfigException(
                $"invalid shard type: {other} (expected one of: dstore, lstore, lockmgr(dstore), lockmgr(lstore))"),
        };
        return new ShardSpec(id, kind);
    }

    public override string ToString() => $"{Id}={TypeName}";
}
