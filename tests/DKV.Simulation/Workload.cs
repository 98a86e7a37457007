using System.Globalization;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>
/// The operations all clients share: a fixed budget, a small key set (each key's history stays small enough to check),
/// unique written values, and compare-and-delete aimed at recently written values so it sometimes applies.
/// Also the recorded history and the acknowledged writes.
/// </summary>
internal sealed class Workload
{
    private readonly string[] _keys;
    private readonly Dictionary<string, string> _lastWritten = new(StringComparer.Ordinal);
    private int _remaining;
    private int _nextValue;
    private int _nextLogicalClient;

    public Workload(int operations, int keys)
    {
        _remaining = operations;
        _keys = Enumerable.Range(0, keys).Select(k => "k" + k.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    public History<KvInput, KvOutput> History { get; } = new();

    /// <summary>Acknowledged writes: where they sit in the log.</summary>
    public List<(ulong Index, ulong Term, ulong Hash)> Acknowledged { get; } = [];

    public int Issued { get; private set; }

    public bool Exhausted => _remaining == 0;

    public int NewLogicalClient() => _nextLogicalClient++;

    public bool TryTake(SimRandom random, out KvInput input)
    {
        if (_remaining == 0)
        {
            input = default;
            return false;
        }

        _remaining--;
        Issued++;
        string key = _keys[random.Next(_keys.Length)];
        int roll = random.Next(100);
        input = roll switch
        {
            < 35 => KvInput.Get(key),
            < 65 => KvInput.Set(key, NewValue(key)),
            < 75 => KvInput.Delete(key),
            < 87 => KvInput.SetIfUnset(key, NewValue(key)),
            _ => KvInput.CompareAndDelete(key, _lastWritten.TryGetValue(key, out string? last) && random.Chance(0.8) ? last : "v-none"),
        };
        return true;
    }

    private string NewValue(string key)
    {
        string value = "v" + (_nextValue++).ToString(CultureInfo.InvariantCulture);
        _lastWritten[key] = value;
        return value;
    }
}
