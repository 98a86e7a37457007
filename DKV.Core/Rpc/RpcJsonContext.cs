using System.Text.Json.Serialization;
using DKV.Core.Stores;

namespace DKV.Core.Rpc;

/// <summary>Source-generated JSON for the <c>dbInfo</c> answer (camelCase names, features as a number).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoreInfo))]
internal sealed partial class RpcJsonContext : JsonSerializerContext;
