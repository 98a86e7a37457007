using DKV.Core.Errors;
using DKV.Core.Transport;
using DKV.Host;
using DKV.Host.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Plugins.Tests.Config;

[CancelAfter(60_000)]
public sealed class PluginSettingTests
{
    [Test]
    public void Bind_PluginSettingFlags_ParsedByNameCaseInsensitive()
    {
        var config = Bind(["resp-endpoint=127.0.0.1:6380", "RESP-SHARD = 200"]);

        Assert.That(config.PluginSettings["resp-endpoint"], Is.EqualTo("127.0.0.1:6380"));
        Assert.That(config.PluginSettings["resp-shard"], Is.EqualTo("200"));
    }

    [Test]
    public void Bind_PluginSettingWithoutEquals_ConfigErrorShowsForm()
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(["resp-endpoint"]));
        Assert.That(ex!.Message, Does.StartWith("plugin setting 'resp-endpoint' (from --plugin-setting) is not name=value; write for example"));
    }

    [Test]
    public async Task StartAsync_RespShardIsLockShard_FailsNamingSettingAndShards()
    {
        var config = new ServerConfig
        {
            PluginDirectories = [Path.Combine(AppContext.BaseDirectory, "plugins")],
            TransportOptions = new ServerTransportOptions { Endpoint = "127.0.0.1:0" },
            PluginSettings = new Dictionary<string, string> { ["resp-endpoint"] = "127.0.0.1:0", ["resp-shard"] = "200" },
        };

        var ex = await Assert.ThrowsAsync<DkvException>(() => DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None));
        Assert.That(ex!.Message, Is.EqualTo("plugin setting resp-shard=200 names no store shard; this server's shards are 100, 200"));
    }

    [Test]
    public async Task StartAsync_RespEndpointNotAnAddress_FailsNamingSetting()
    {
        var config = new ServerConfig
        {
            PluginDirectories = [Path.Combine(AppContext.BaseDirectory, "plugins")],
            TransportOptions = new ServerTransportOptions { Endpoint = "127.0.0.1:0" },
            PluginSettings = new Dictionary<string, string> { ["resp-endpoint"] = "localhost" },
        };

        var ex = await Assert.ThrowsAsync<DkvException>(() => DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None));
        Assert.That(ex!.Message, Does.StartWith("plugin setting resp-endpoint='localhost' is invalid"));
    }

    [Test]
    public void Bind_RespEndpointFlag_BecomesThePluginSetting()
    {
        var config = ServerConfigBinder.Bind(SettingsSources.Create(ServerSettings.All, null, null,
            new Dictionary<string, IReadOnlyList<string>> { [ServerSettings.RespEndpoint] = ["127.0.0.1:6381"] }));

        Assert.That(config.PluginSettings["resp-endpoint"], Is.EqualTo("127.0.0.1:6381"));
        Assert.That(config.PluginSettings["resp-shard"], Is.EqualTo("100"));
    }

    [Test]
    public void Bind_RespFlagsAndPluginSettings_FlagsWinDefaultsDoNot()
    {
        var config = ServerConfigBinder.Bind(SettingsSources.Create(ServerSettings.All, null, null,
            new Dictionary<string, IReadOnlyList<string>>
            {
                [ServerSettings.PluginSetting] = ["resp-endpoint=127.0.0.1:1", "resp-shard=200"],
                [ServerSettings.RespEndpoint] = ["127.0.0.1:6382"],
            }));

        Assert.That(config.PluginSettings["resp-endpoint"], Is.EqualTo("127.0.0.1:6382"));
        Assert.That(config.PluginSettings["resp-shard"], Is.EqualTo("200"));
    }

    private static ServerConfig Bind(IReadOnlyList<string> values) =>
        ServerConfigBinder.Bind(SettingsSources.Create(ServerSettings.All, null, null,
            new Dictionary<string, IReadOnlyList<string>> { [ServerSettings.PluginSetting] = values }));
}
