using DKV.Core.Plugins;
using DKV.Host.Config;

namespace DKV.Host.Tests;

public sealed class ServerSummaryTests
{
    private static readonly PluginCatalog s_noPlugins = new([], []);

    [Test]
    public void Describe_ReplicatedShards_UpstreamClusterSectionsMembersSortedById()
    {
        var config = new ServerConfig
        {
            Shards = ShardSpec.ParseList("100=dstore,200=lockmgr(dstore)"),
            ReplicaName = "node-2",
            // Given out of id order: node-3 < node-1 < node-2 is not the id order (node-1 < node-2 < node-3 is).
            ClusterMembers = [new("node-3", "127.0.0.1:63003"), new("node-1", "127.0.0.1:63001"), new("node-2", "127.0.0.1:63002")],
            DataDir = "data/node-2",
            RttMilliseconds = 100,
            ElectionRttFactor = 10,
            HeartbeatRttFactor = 2,
        };

        string summary = ServerSummary.Describe(config, s_noPlugins);

        Assert.That(summary, Does.Contain($"""

            SHARDS
              100: remote store
              200: remote lock manager
            NODE IDENTITY
              Replica Name          : node-2
              Node ID               : 16615729293254228854
              RAFT Address          : 127.0.0.1:63002
            RAFT PARAMETERS
              Round Trip Time (ms)  : 100 ms
              Election RTT (ms)     : 1000 ms (10 x 100 ms)
              Heartbeat RTT (ms)    : 200 ms (2 x 100 ms)
              Check Quorum          : true
              Snapshot Entries      : 100000
              Compaction Overhead   : 5000
              Timeout               : 5s
            STORAGE
              Data Directory        : {Path.GetFullPath("data/node-2")}
            CLUSTER MEMBERS
                Node 16615728193742600643: node-1=127.0.0.1:63001
                Node 16615729293254228854: node-2=127.0.0.1:63002 (this node)
                Node 16615730392765857065: node-3=127.0.0.1:63003
            PLUGINS
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Describe_LocalShardsOnly_NoClusterSections()
    {
        string summary = ServerSummary.Describe(new ServerConfig(), s_noPlugins);

        Assert.Multiple(() =>
        {
            Assert.That(summary, Does.Contain("\nSHARDS\n  100: local store\n  200: local lock manager\nPLUGINS"));
            Assert.That(summary, Does.Not.Contain("RAFT"));
        });
    }
}
