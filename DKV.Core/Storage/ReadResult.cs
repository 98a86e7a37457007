namespace DKV.Core.Storage;

/// <summary>
/// The answer to an engine read. <see cref="Value"/> refers to the engine's own immutable copy (no allocation per read);
/// it stays valid and unchanged after later writes, which replace the entry rather than mutate it.
/// </summary>
/// <param name="Found">For Get: present, not expired, not deleted. For Has: present and not deleted.</param>
/// <param name="Value">The value when found by Get; empty otherwise.</param>
/// <param name="Index">The write index of the write that last changed the entry; 0 when not found.</param>
public readonly record struct ReadResult(bool Found, ReadOnlyMemory<byte> Value, ulong Index)
{
    public static ReadResult NotFound => default;
}
