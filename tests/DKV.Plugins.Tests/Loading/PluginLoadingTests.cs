using System.Runtime.Loader;
using DKV.Core.Plugins;
using DKV.Host;
using DKV.Host.Config;
using DKV.Testing.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Plugins.Tests.Loading;

[CancelAfter(60_000)]
public sealed class PluginLoadingTests
{
    /// <summary>The compression plugin's own build output (bin/&lt;configuration&gt;/net10.0), outside this test's plugins/ folder.</summary>
    private static string CompressionBuildFolder =>
        Path.Combine(RepositoryRoot.Find(), "plugins", "DKV.Plugins.Sample.Compression", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0");

    [Test]
    public async Task Config_PluginsDirNamesSeparateFolder_ServesWithItsSerializerAndPrivateDependency()
    {
        var sources = SettingsSources.Create(ServerSettings.All, null, null, new Dictionary<string, IReadOnlyList<string>>
        {
            [ServerSettings.PluginsDir] = [RespTestServerPlugins, CompressionBuildFolder],
            [ServerSettings.Serializer] = ["binary-snappy"],
            [ServerSettings.Endpoint] = ["127.0.0.1:0"],
        });
        var config = ServerConfigBinder.Bind(sources);

        await using var server = await DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);

        var plugin = server.Plugins.Loaded.Single(p => p.Name == "DKV.Plugins.Sample.Compression");
        Assert.Multiple(() =>
        {
            Assert.That(plugin.Folder, Is.EqualTo(Path.GetFullPath(CompressionBuildFolder)));
            Assert.That(plugin.NamesByKind[PluginKinds.Serializer], Is.EqualTo(new[] { "binary-snappy" }));
            Assert.That(File.Exists(Path.Combine(CompressionBuildFolder, "IronSnappy.dll")), Is.True, "the private dependency ships in the plugin folder");
            Assert.That(File.Exists(Path.Combine(CompressionBuildFolder, "DKV.Core.dll")), Is.False, "the contracts are the host's, not copied");
            Assert.That(AssemblyLoadContext.Default.Assemblies.Any(a => a.GetName().Name == "IronSnappy"), Is.False, "the host never loads the plugin's dependency");
        });
    }

    [Test]
    public void Loader_FutureContractPlugin_RefusedNamingBothVersions()
    {
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [RespTestServerPlugins] })
            .LoadAll(new Microsoft.Extensions.DependencyInjection.ServiceCollection());

        var failure = catalog.Failures.Single(f => f.Folder.EndsWith("DKV.TestPlugins.FutureContract", StringComparison.Ordinal));
        Assert.That(failure.Reason, Is.EqualTo(
            $"plugin 'DKV.TestPlugins.FutureContract' was built against plugin contract version {PluginContract.Version + 1}, but this host supports "
            + $"version {PluginContract.Version}; rebuild the plugin against DKV.Core with contract version {PluginContract.Version}"));
        Assert.That(catalog.Loaded.Select(p => p.Name), Does.Contain("DKV.Plugins.Resp"));
    }

    [Test]
    public void Loader_RespPlugin_ListedAsExtension()
    {
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [RespTestServerPlugins] })
            .LoadAll(new Microsoft.Extensions.DependencyInjection.ServiceCollection());

        Assert.That(catalog.Loaded.Single(p => p.Name == "DKV.Plugins.Resp").NamesByKind[PluginKinds.Extension], Is.EqualTo(new[] { "resp" }));
    }

    private static string RespTestServerPlugins => Path.Combine(AppContext.BaseDirectory, "plugins");
}
