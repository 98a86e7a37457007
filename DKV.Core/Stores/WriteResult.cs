namespace DKV.Core.Stores;

/// <summary>The outcome of a store write.</summary>
/// <param name="Applied">
/// Whether the write changed anything: always true for Set and SetE; for SetEIfUnset, CompareAndSetE and CompareAndDelete
/// whether the condition held; for Expire and Delete whether the key was there.
/// </param>
/// <param name="Index">The write index the operation was ordered at (for dstore, its Raft log index).</param>
public readonly record struct WriteResult(bool Applied, ulong Index);
