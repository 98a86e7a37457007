using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Core;

public sealed class RaftConfigTests
{
    private static readonly RaftConfig s_valid = new() { NodeId = 1, GroupId = 1, Voters = [1, 2, 3] };

    [Test]
    public void Validate_Defaults_Pass() => Assert.DoesNotThrow(s_valid.Validate);

    [TestCase("NodeId")]
    [TestCase("ElectionTicks")]
    [TestCase("HeartbeatTicks")]
    [TestCase("MaxInflightMessages")]
    [TestCase("MaxAppendBytes")]
    [TestCase("MaxUncommittedBytes")]
    [TestCase("Voters")]
    public void Validate_BadSetting_ThrowsInvalidArgumentNamingIt(string setting)
    {
        RaftConfig bad = setting switch
        {
            "NodeId" => s_valid with { NodeId = 4 },
            "ElectionTicks" => s_valid with { ElectionTicks = 1 },
            "HeartbeatTicks" => s_valid with { HeartbeatTicks = 0 },
            "MaxInflightMessages" => s_valid with { MaxInflightMessages = 0 },
            "MaxAppendBytes" => s_valid with { MaxAppendBytes = 0 },
            "MaxUncommittedBytes" => s_valid with { MaxUncommittedBytes = 0 },
            _ => s_valid with { Voters = [1, 1, 2] },
        };

        var ex = Assert.Throws<DkvException>(bad.Validate);
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain(setting));
    }

    [Test]
    public void Constructor_InvalidConfig_Throws() =>
        Assert.Throws<DkvException>(() => new RaftNode(s_valid with { ElectionTicks = 0 }, new DKV.Consensus.Storage.MemoryRaftStorage(), new SeededRandomSource(1)));
}
