using DKV.Core.Storage;
using DKV.Testing.Engines;

namespace DKV.Engines.Tests;

/// <summary>Runs the engine conformance suite against the test oracle, so the oracle and Maple are held to the same contract.</summary>
[TestFixture]
public sealed class ModelEngineConformanceTests : EngineConformanceTests
{
    protected override IKVDB CreateEngine() => new ModelEngine();
}
