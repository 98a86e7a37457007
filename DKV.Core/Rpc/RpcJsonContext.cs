using System.Text.Json.Serialization;
using DKV.Core.Stores;

namespace DKV.Core.Rpc;

/// <summary>Source-generated JSON for the <c>dbInfo</c> and <c>listShards</c> answers (camelCase names, features as a number).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoreInfo))]
[JsonSerializable(typeof(ShardDescription[]))]
internal sealed partial class RpcJsonContext : JsonSerializerContext;
