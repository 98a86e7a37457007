namespace DKV.Consensus.Storage;

/// <summary>A torn tail the write-ahead log cut off when it opened: bytes written but never synced before a crash.</summary>
/// <param name="SegmentPath">The segment file that was truncated.</param>
/// <param name="Offset">The byte offset of the first invalid record; the file now ends here.</param>
/// <param name="DiscardedBytes">How many bytes were cut off, up to the last non-zero one (zero fill after it is not counted).</param>
/// <param name="Reason">Why the tail was judged invalid (incomplete header, incomplete record, checksum mismatch, ...).</param>
public sealed record WalRecoveryReport(string SegmentPath, long Offset, long DiscardedBytes, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"write-ahead log '{SegmentPath}': truncated a torn tail of {DiscardedBytes} bytes at offset {Offset} ({Reason})";
}
