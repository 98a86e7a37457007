using System.Text;
using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;

namespace DKV.Consensus.Tests.StateMachine;

/// <summary>Commands and entries for the client-session tests.</summary>
internal static class SessionTestData
{
    public static readonly long LeaderTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    public static KvCommand Command(KvOperation operation, string key, string value, ulong client, ulong sequence,
        ulong acknowledgedBelow = 0, long leaderTicks = 0, string expected = "") =>
        new(operation, key, Bytes(value), Bytes(expected), TimeSpan.Zero, TimeSpan.Zero,
            leaderTicks == 0 ? LeaderTime : leaderTicks, client, sequence, acknowledgedBelow);

    public static KvCommand Set(string key, string value, ulong client, ulong sequence, ulong acknowledgedBelow = 0, long leaderTicks = 0) =>
        Command(KvOperation.Set, key, value, client, sequence, acknowledgedBelow, leaderTicks);

    public static KvCommand IfUnset(string key, string value, ulong client, ulong sequence) =>
        Command(KvOperation.SetEIfUnset, key, value, client, sequence);

    public static LogEntry Entry(ulong index, KvCommand command) => new(index, 1, EntryType.Normal, KvCommandCodec.Encode(command));

    public static string? Value(KvStateMachine machine, string key) =>
        machine.Get(key, LeaderTime) is { Found: true } read ? Encoding.UTF8.GetString(read.Value.Span) : null;

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
