using System.Globalization;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>
/// The operations all clients share: a fixed budget, a few active keys that are retired (replaced by fresh ones) after
/// <see cref="MaxOperationsPerKey"/> operations or <see cref="MaxUnknownPerKey"/> unknown outcomes (Jepsen's ops-per-key limit:
/// it keeps every key's history small enough to check), unique written values, and compare-and-delete aimed at recently written
/// values so it sometimes applies. Also holds the recorded history and the acknowledged writes.
/// </summary>
internal sealed class Workload
{
    public const int MaxOperationsPerKey = 30;
    public const int MaxUnknownPerKey = 6;

    private readonly string[] _active;
    private readonly Dictionary<string, (int Operations, int Unknown)> _usage = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _lastWritten = new(StringComparer.Ordinal);
    private int _remaining;
    private int _nextValue;
    private int _nextKey;
    private int _nextLogicalClient;

    public Workload(int operations, int activeKeys)
    {
        _remaining = operations;
        _active = new string[activeKeys];
        for (int i = 0; i < activeKeys; i++)
        {
            _active[i] = NewKey();
        }
    }

    public History<KvInput, KvOutput> History { get; } = new();

    /// <summary>Acknowledged writes: where they sit in the log (term 0 = not known to the answering node) and their identity.</summary>
    public List<(ulong Index, ulong Term, ulong Identity)> Acknowledged { get; } = [];

    public int Issued { get; private set; }

    /// <summary>Every key ever used, in creation order.</summary>
    public IReadOnlyCollection<string> AllKeys => _usage.Keys;

    public bool Exhausted => _remaining == 0;

    public int NewLogicalClient() => _nextLogicalClient++;

    /// <summary>Counts an unknown outcome against its key, so a key with many retires early.</summary>
    public void NoteUnknown(string key)
    {
        var usage = _usage[key];
        _usage[key] = (usage.Operations, usage.Unknown + 1);
    }

    public bool TryTake(SimRandom random, out KvInput input)
    {
        if (_remaining == 0)
        {
            input = default;
            return false;
        }

        _remaining--;
        Issued++;
        int slot = random.Next(_active.Length);
        var usage = _usage[_active[slot]];
        if (usage.Operations >= MaxOperationsPerKey || usage.Unknown >= MaxUnknownPerKey)
        {
            _active[slot] = NewKey();
            usage = (0, 0);
        }

        string key = _active[slot];
        _usage[key] = (usage.Operations + 1, usage.Unknown);
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

    private string NewKey()
    {
        string key = "k" + (_nextKey++).ToString(CultureInfo.InvariantCulture);
        _usage[key] = (0, 0);
        return key;
    }

    private string NewValue(string key)
    {
        string value = "v" + (_nextValue++).ToString(CultureInfo.InvariantCulture);
        _lastWritten[key] = value;
        return value;
    }
}
