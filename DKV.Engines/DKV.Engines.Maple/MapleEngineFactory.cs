using DKV.Core.Storage;

namespace DKV.Engines.Maple;

/// <summary>Creates <see cref="MapleEngine"/>s with one set of options. Thread-safe.</summary>
public sealed class MapleEngineFactory : IEngineFactory
{
    private readonly MapleOptions _options;

    /// <summary>Creates a factory; the options are validated here, so a bad configuration fails at start-up.</summary>
    public MapleEngineFactory(MapleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <inheritdoc/>
    public string Name => MapleEngine.EngineName;

    /// <summary>The options every engine from this factory gets.</summary>
    public MapleOptions Options => _options;

    /// <inheritdoc/>
    public IKVDB Create() => new MapleEngine(_options);
}
