using DKV.Consensus.Host;
using DKV.Core.Consensus;
using DKV.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Consensus;

/// <summary>
/// The <c>raft</c> plugin: registers <see cref="RaftConsensusFactory"/> as the keyed <see cref="IConsensusFactory"/> <c>raft</c>,
/// which the host uses for <c>dstore</c> and <c>lockmgr(dstore)</c> shards.
/// </summary>
public sealed class RaftPlugin : IDkvPlugin
{
    /// <inheritdoc/>
    public string Name => "DKV.Consensus";

    /// <inheritdoc/>
    public int ContractVersion => PluginContract.Version;

    /// <inheritdoc/>
    public void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddKeyedSingleton<IConsensusFactory>(RaftConsensusFactory.FactoryName, (_, _) => new RaftConsensusFactory());
    }
}
