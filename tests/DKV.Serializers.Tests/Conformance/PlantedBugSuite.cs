using DKV.Core.Serialization;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.Conformance;

/// <summary>
/// The conformance suite over a deliberately broken serializer. A generic type definition, so NUnit does not run it as a
/// fixture of its own; <see cref="ConformanceSuitePlantedBugTests"/> closes it over each broken serializer and calls tests directly.
/// </summary>
public sealed class PlantedBugSuite<TSerializer> : SerializerConformanceTests
    where TSerializer : IRpcSerializer, new()
{
    protected override IRpcSerializer CreateSerializer() => new TSerializer();
}
