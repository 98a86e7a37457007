using DKV.Core.Plugins;
using DKV.Core.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Plugins.Sample.Compression;

/// <summary>
/// Registers the serializer <c>binary-snappy</c>: the host's <c>binary</c> serializer (resolved by name when first used, so the
/// built-in serializers plugin must be loaded too) with values of 64 KiB and more Snappy-compressed.
/// </summary>
public sealed class CompressionPlugin : IDkvPlugin
{
    public string Name => "DKV.Plugins.Sample.Compression";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services)
    {
        services.AddKeyedSingleton<IRpcSerializer>(
            SnappySerializer.SerializerName,
            (provider, _) => new SnappySerializer(provider.GetRequiredKeyedService<IRpcSerializer>("binary")));
    }
}
