using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>Records what an engine's reads return, as readable lines, so two states can be compared with a clear diff.</summary>
public static class EngineReads
{
    /// <summary>One line per key and instant: Get (found, value as hex, index) and Has.</summary>
    public static List<string> Capture(IKVDB engine, IEnumerable<string> keys, IReadOnlyCollection<long> instants)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(instants);
        var lines = new List<string>();
        foreach (string key in keys)
        {
            foreach (long instant in instants)
            {
                ReadResult get = engine.Get(key, instant);
                string value = get.Found ? Convert.ToHexString(get.Value.Span) : "-";
                lines.Add($"{key}@{instant}: get={get.Found}/{value}/{get.Index} has={engine.Has(key, instant)}");
            }
        }

        return lines;
    }
}
