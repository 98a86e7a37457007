namespace DKV.Core.Rpc;

/// <summary>One shard a server serves, as the <c>listShards</c> answer names it.</summary>
/// <param name="Id">The shard id clients address.</param>
/// <param name="Kind">What it serves: <c>lstore</c>, <c>dstore</c>, <c>lockmgr(lstore)</c> or <c>lockmgr(dstore)</c>.</param>
public sealed record ShardDescription(ulong Id, string Kind);
