using System.Buffers;
using System.Text;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using Newtonsoft.Json;

namespace DKV.TestPlugins.Newtonsoft;

/// <summary>
/// A JSON serializer written with the plugin's private Newtonsoft.Json. Each payload records the Newtonsoft.Json file version
/// that wrote it in <c>writer</c>, so a test can see which copy of the library ran.
/// </summary>
public sealed class NewtonsoftSerializer : IRpcSerializer
{
    public const string SerializerName = "newtonsoft";

    public string Name => SerializerName;

    /// <summary>The file version of the Newtonsoft.Json this plugin runs against.</summary>
    public static string LibraryVersion =>
        typeof(JsonConvert).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyFileVersionAttribute), false)
            .OfType<System.Reflection.AssemblyFileVersionAttribute>().Single().Version;

    public void Serialize(in Message message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var dto = new Dto
        {
            Type = (byte)message.Type,
            Key = message.Key,
            Value = message.Value is { } value ? Convert.ToBase64String(value.Span) : null,
            Ok = message.Ok,
            Index = message.Index,
            Writer = LibraryVersion,
        };
        byte[] bytes = Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(dto));
        destination.Write(bytes);
    }

    public Message Deserialize(ReadOnlySpan<byte> source)
    {
        Dto dto;
        try
        {
            dto = JsonConvert.DeserializeObject<Dto>(Encoding.UTF8.GetString(source))
                ?? throw new DkvException(DkvErrorCode.MalformedMessage, "newtonsoft: empty payload");
        }
        catch (JsonException ex)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"newtonsoft: {ex.Message}", ex);
        }

        return new Message
        {
            Type = (MessageType)dto.Type,
            Key = dto.Key,
            Value = dto.Value is null ? null : Convert.FromBase64String(dto.Value),
            Ok = dto.Ok,
            Index = dto.Index,
            Error = dto.Writer,
        };
    }

    private sealed class Dto
    {
        public byte Type { get; set; }

        public string? Key { get; set; }

        public string? Value { get; set; }

        public bool Ok { get; set; }

        public ulong Index { get; set; }

        public string? Writer { get; set; }
    }
}
