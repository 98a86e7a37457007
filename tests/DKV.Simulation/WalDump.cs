using System.Buffers.Binary;
using System.Text;
using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Simulation;

/// <summary>A one-line-per-segment listing of a write-ahead log's records (E[first..last]tTerm, M(index,fkFirstKept,RL|c), H), for violation reports.</summary>
internal static class WalDump
{
    public static string Dump(IWalFileSystem fs, string directory)
    {
        var text = new StringBuilder();
        foreach (string name in fs.ListFiles(directory).Order(StringComparer.Ordinal))
        {
            byte[] data = fs.ReadAll(Path.Combine(directory, name));
            text.Append(name).Append(':');
            int offset = 0;
            while (offset + 9 <= data.Length)
            {
                if (!data.AsSpan(offset).ContainsAnyExcept((byte)0))
                {
                    text.Append(" <zero fill ").Append(data.Length - offset).Append('>');
                    break;
                }

                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
                if (offset + 9 + length > data.Length)
                {
                    text.Append(" <torn>");
                    break;
                }

                var type = (WalRecordType)data[offset + 8];
                ReadOnlySpan<byte> payload = data.AsSpan(offset + 9, length);
                text.Append(" @").Append(offset).Append(' ');
                if (type == WalRecordType.Entries && WalRecordCodec.TryReadEntries(payload, out _, out LogEntry[] entries))
                {
                    text.Append($"E[{entries[0].Index}..{entries[^1].Index}]t{entries[^1].Term}");
                }
                else if (type == WalRecordType.SnapshotMarker && WalRecordCodec.TryReadMarker(payload, out _, out WalSnapshotMarker marker))
                {
                    text.Append($"M({marker.Index},fk{marker.FirstKeptIndex},{(marker.ReplacesLog ? "RL" : "c")})");
                }
                else
                {
                    text.Append(type.ToString()[0]);
                }

                offset += 9 + length;
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
