using DKV.Core.Consensus;
using DKV.Core.Serialization;
using DKV.Core.Storage;
using DKV.Core.Transport;

namespace DKV.Core.Plugins;

/// <summary>The kinds of named implementation a plugin can register, and the keyed service type of each.</summary>
public static class PluginKinds
{
    public const string Engine = "engine";

    public const string Serializer = "serializer";

    public const string Transport = "transport";

    public const string Extension = "extension";

    public const string Consensus = "consensus";

    private static readonly Dictionary<Type, string> s_kindsByServiceType = new()
    {
        [typeof(IEngineFactory)] = Engine,
        [typeof(IRpcSerializer)] = Serializer,
        [typeof(ITransportFactory)] = Transport,
        [typeof(IServerExtension)] = Extension,
        [typeof(IConsensusFactory)] = Consensus,
    };

    /// <summary>
    /// The kind name for a keyed service type: <c>engine</c>, <c>serializer</c>, <c>transport</c>, or the type's name for any
    /// other contract (so a later contract, such as consensus, lists without a change here).
    /// </summary>
    public static string KindOf(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return s_kindsByServiceType.TryGetValue(serviceType, out string? kind) ? kind : serviceType.Name;
    }
}
