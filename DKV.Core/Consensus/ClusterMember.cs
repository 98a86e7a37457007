namespace DKV.Core.Consensus;

/// <summary>One replica of the cluster as <c>--cluster-members</c> names it.</summary>
/// <param name="Name">The replica's name (<c>node-1</c>), as given to <c>--replica-id</c>.</param>
/// <param name="Id">The replica's numeric id: FNV-1a-64 of <paramref name="Name"/>, as upstream computes it.</param>
/// <param name="Address">The peer (Raft) address, <c>host:port</c>; not the client endpoint.</param>
public sealed record ClusterMember(string Name, ulong Id, string Address);
