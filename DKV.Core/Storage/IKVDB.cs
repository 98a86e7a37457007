namespace DKV.Core.Storage;

/// <summary>
/// An in-memory key-value engine: the data core under every store. Synchronous and thread-safe.
/// </summary>
/// <remarks>
/// <para>Keys are stored whole (never only a hash). Values are bytes; a write takes ownership of the
/// <see cref="ReadOnlyMemory{T}"/> it is given (the caller must not change it afterwards) and reads hand out that same memory.</para>
/// <para>Every write carries a <see cref="WriteStamp"/>. A write whose index is lower than the entry's current index is ignored
/// and reports not applied. Deadlines are absolute UTC ticks, 0 meaning none: an entry whose expire deadline has passed
/// answers Get = not found and Has = true; one whose delete deadline has passed answers both as not found.</para>
/// <para>Reads take the instant to judge deadlines against (<c>nowUtcTicks</c>). An engine reads no clock and starts no thread of its
/// own; its owner drives <see cref="Collect"/> to reclaim memory. Collection never changes what a read returns.</para>
/// </remarks>
public interface IKVDB : IDisposable
{
    /// <summary>The engine's registered name, for example <c>maple</c>.</summary>
    string Name { get; }

    /// <summary>What this engine supports.</summary>
    EngineFeatures Features { get; }

    /// <summary>The highest write index seen so far (applied or ignored).</summary>
    ulong WriteIndex { get; }

    /// <summary>Sets the value and clears any deadlines. Returns whether it applied (false only for a stale index).</summary>
    bool Set(string key, ReadOnlyMemory<byte> value, WriteStamp stamp);

    /// <summary>Sets the value with absolute deadlines (UTC ticks, 0 = none).</summary>
    bool SetE(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp);

    /// <summary>
    /// Like <see cref="SetE"/>, but only when the key is absent or deleted (judged at <paramref name="stamp"/>'s time).
    /// An expired-but-not-deleted key counts as set. Returns whether it applied.
    /// </summary>
    bool SetEIfUnset(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp);

    /// <summary>
    /// Like <see cref="SetE"/>, but only when the key is visible to Get and its value equals <paramref name="expected"/>.
    /// Returns whether it applied.
    /// </summary>
    bool CompareAndSetE(string key, ReadOnlySpan<byte> expected, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp);

    /// <summary>Expires the key now: Get answers not found from here on, Has still true until its delete deadline. Returns whether the key was visible.</summary>
    bool Expire(string key, WriteStamp stamp);

    /// <summary>Deletes the key. Returns whether it was present (not deleted) before.</summary>
    bool Delete(string key, WriteStamp stamp);

    /// <summary>Deletes the key only when it is visible to Get and its value equals <paramref name="expected"/>. Returns whether it applied.</summary>
    bool CompareAndDelete(string key, ReadOnlySpan<byte> expected, WriteStamp stamp);

    /// <summary>Reads a value that is present, not expired and not deleted at <paramref name="nowUtcTicks"/>. Allocates nothing.</summary>
    ReadResult Get(string key, long nowUtcTicks);

    /// <summary>True when the key is present and not deleted at <paramref name="nowUtcTicks"/> (expired keys count). Allocates nothing.</summary>
    bool Has(string key, long nowUtcTicks);

    /// <summary>
    /// Frees values of expired entries and removes deleted ones whose deadline is at or before <paramref name="nowUtcTicks"/>,
    /// doing at most <paramref name="maxEntries"/> units of work, without blocking readers for the whole pass.
    /// Returns how many entries it changed. Call repeatedly (from a timer) to keep memory bounded.
    /// </summary>
    int Collect(long nowUtcTicks, int maxEntries);

    /// <summary>
    /// Writes a versioned, checksummed snapshot that is a consistent image as of one write index, which it returns.
    /// Concurrent writes are either wholly in the image or wholly absent.
    /// </summary>
    ulong Save(Stream destination);

    /// <summary>
    /// Replaces the whole content with a snapshot written by <see cref="Save"/>. The snapshot is checked completely before the
    /// current content is replaced; a truncated or corrupt one throws <see cref="Errors.DkvException"/> with
    /// <see cref="Errors.DkvErrorCode.Corrupt"/> and leaves the engine unchanged. Returns the snapshot's write index.
    /// </summary>
    ulong Load(Stream source);

    /// <summary>Size, key count, shard balance and collector backlog.</summary>
    EngineInfo GetInfo();
}
