using DKV.Core.Stores;

namespace DKV.Cli.Cluster;

/// <summary>One node's line in a shard's table: its replica status, or why there is none.</summary>
/// <param name="Endpoint">The endpoint asked.</param>
/// <param name="Status">The replica's view of the group; null when <paramref name="Problem"/> says why not.</param>
/// <param name="Problem">For example <c>unreachable: ...</c>, <c>not served here</c>, <c>not replicated (lstore)</c>.</param>
internal sealed record StatusRow(string Endpoint, ReplicaStatus? Status, string? Problem);
