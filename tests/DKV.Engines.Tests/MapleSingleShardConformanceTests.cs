using DKV.Core.Storage;
using DKV.Engines.Maple;
using DKV.Testing.Engines;

namespace DKV.Engines.Tests;

/// <summary>Runs the suite against a single-shard Maple with a tiny collector batch, to exercise those edges too.</summary>
[TestFixture]
public sealed class MapleSingleShardConformanceTests : EngineConformanceTests
{
    protected override int LargeValueBytes => 1 << 20;

    protected override IKVDB CreateEngine() => new MapleEngine(new MapleOptions { ShardCount = 1, CollectBatchEntries = 1 });
}
