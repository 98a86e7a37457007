namespace DKV.Core.Storage;

/// <summary>
/// Creates engines. Plugins register one as a keyed service under the engine's name (for example <c>maple</c>);
/// the host asks for a new engine per shard.
/// </summary>
public interface IEngineFactory
{
    /// <summary>The engine name this factory is registered under.</summary>
    string Name { get; }

    /// <summary>Creates a new, empty engine. The caller owns and disposes it.</summary>
    IKVDB Create();
}
