using DKV.Core.Storage;
using DKV.Engines.Maple;
using DKV.Testing.Engines;

namespace DKV.Engines.Tests;

/// <summary>Runs the engine conformance suite against Maple with default options.</summary>
[TestFixture]
public sealed class MapleConformanceTests : EngineConformanceTests
{
    protected override IKVDB CreateEngine() => new MapleEngine();
}
