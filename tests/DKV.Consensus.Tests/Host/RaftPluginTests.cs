using System.Buffers.Binary;
using DKV.Consensus.Host;
using DKV.Consensus.StateMachine;
using DKV.Core.Consensus;
using DKV.Core.Errors;
using DKV.Engines.Maple;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Consensus.Tests.Host;

public sealed class RaftPluginTests
{
    [Test]
    public void Register_AddsKeyedRaftFactory()
    {
        var services = new ServiceCollection();
        new RaftPlugin().Register(services);

        ServiceDescriptor descriptor = services.Single(d => d.ServiceType == typeof(IConsensusFactory));
        Assert.That(descriptor.ServiceKey, Is.EqualTo("raft"));
        var factory = (IConsensusFactory)descriptor.KeyedImplementationFactory!(null!, "raft");

        Assert.That(factory.Name, Is.EqualTo("raft"));
        Assert.That(factory, Is.TypeOf<RaftConsensusFactory>());
    }

    [TestCase("ElectionRttFactor", "--election-rtt-factor")]
    [TestCase("ReplicaName", "--replica-id")]
    [TestCase("Members", "--cluster-members")]
    [TestCase("GroupIds", "--shards")]
    [TestCase("Rtt", "--rtt-millisecond")]
    [TestCase("Setting", "raft setting 'no-such-setting' is unknown")]
    [TestCase("SettingValue", "raft setting 'max-queued-proposals' = '0' is invalid")]
    public async Task StartAsync_InvalidOption_ThrowsInvalidArgumentNamingIt(string what, string expected)
    {
        ConsensusNodeOptions good = Options();
        ConsensusNodeOptions bad = what switch
        {
            "ElectionRttFactor" => good with { ElectionRttFactor = 2, HeartbeatRttFactor = 2 },
            "ReplicaName" => good with { ReplicaName = "node-9" },
            "Members" => good with { Members = [.. good.Members, new ClusterMember("node-1", 77, "127.0.0.1:1")] },
            "GroupIds" => good with { GroupIds = [] },
            "Rtt" => good with { Rtt = TimeSpan.Zero },
            "Setting" => good with { Settings = new Dictionary<string, string> { ["no-such-setting"] = "1" } },
            _ => good with { Settings = new Dictionary<string, string> { ["max-queued-proposals"] = "0" } },
        };

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await new RaftConsensusFactory().StartAsync(bad));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain(expected));
    }

    [Test]
    public void LeaderStamp_EncodedCommand_DecodesWithTheStampedTime()
    {
        var command = new KvCommand(KvOperation.SetE, "k", new byte[] { 1 }, default, TimeSpan.FromSeconds(1), TimeSpan.Zero, 0, 5, 6, 4);
        byte[] encoded = KvCommandCodec.Encode(command);

        LeaderStamp.Apply(encoded, 638_000_000_000_000_000);

        KvCommand decoded = KvCommandCodec.Decode(encoded);
        Assert.That(decoded.LeaderTimestampUtcTicks, Is.EqualTo(638_000_000_000_000_000));
        Assert.That((decoded.Operation, decoded.Key, decoded.ExpireAfter, decoded.ClientId, decoded.Sequence, decoded.AcknowledgedBelow),
            Is.EqualTo((command.Operation, command.Key, command.ExpireAfter, command.ClientId, command.Sequence, command.AcknowledgedBelow)));
        Assert.That(decoded.Value.ToArray(), Is.EqualTo(new byte[] { 1 }));
    }

    [Test]
    public void LeaderStamp_NotACommand_ThrowsMalformed()
    {
        byte[] garbage = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(garbage, 0x7F7F7F7F);

        var ex = Assert.Throws<DkvException>(() => LeaderStamp.Apply(garbage, 1));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage));
    }

    private static ConsensusNodeOptions Options() => new()
    {
        ReplicaName = "node-1",
        Members = [new ClusterMember("node-1", 1, "127.0.0.1:7001"), new ClusterMember("node-2", 2, "127.0.0.1:7002")],
        DataDirectory = Path.Combine(Path.GetTempPath(), "dkv-never-created-" + Guid.NewGuid().ToString("N")),
        GroupIds = [1],
        Engines = new MapleEngineFactory(new MapleOptions()),
    };
}
