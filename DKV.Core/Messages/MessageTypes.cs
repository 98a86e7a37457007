namespace DKV.Core.Messages;

/// <summary>Names of message types as used in JSON and logs (upstream's names for upstream's codes).</summary>
public static class MessageTypes
{
    /// <summary>The highest defined code.</summary>
    public const MessageType Last = MessageType.ListShards;

    public static string ToName(MessageType type) => type switch
    {
        MessageType.Unknown => "unknown",
        MessageType.Success => "success",
        MessageType.Error => "error",
        MessageType.Set => "set",
        MessageType.SetE => "setE",
        MessageType.SetEIfUnset => "setEIfUnset",
        MessageType.Expire => "expire",
        MessageType.Delete => "delete",
        MessageType.Get => "get",
        MessageType.Has => "has",
        MessageType.Acquire => "acquire",
        MessageType.Release => "release",
        MessageType.Custom => "custom",
        MessageType.CompareAndDelete => "compareAndDelete",
        MessageType.CompareAndSetE => "compareAndSetE",
        MessageType.Refresh => "refresh",
        MessageType.DbInfo => "dbInfo",
        MessageType.ListShards => "listShards",
        _ => $"type-{(byte)type}",
    };

    /// <summary>Parses a name from <see cref="ToName"/> (case-sensitive). Returns false for unknown names.</summary>
    public static bool TryParse(string name, out MessageType type)
    {
        for (var t = MessageType.Unknown; t <= Last; t++)
        {
            if (string.Equals(ToName(t), name, StringComparison.Ordinal))
            {
                type = t;
                return true;
            }
        }

        type = MessageType.Unknown;
        return false;
    }

    /// <summary>True when <paramref name="type"/> is a defined code.</summary>
    public static bool IsDefined(MessageType type) => type <= Last;
}
