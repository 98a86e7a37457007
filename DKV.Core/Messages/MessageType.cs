namespace DKV.Core.Messages;

/// <summary>
/// Message types on the wire. 0 to 12 keep upstream dKV's codes; 13 and up are ours. Values are stable and never reused.
/// A response echoes its request's type, except <see cref="Error"/> for failures the server could not attribute to an operation.
/// </summary>
public enum MessageType : byte
{
    Unknown = 0,
    Success = 1,
    Error = 2,
    Set = 3,
    SetE = 4,
    SetEIfUnset = 5,
    Expire = 6,
    Delete = 7,
    Get = 8,
    Has = 9,
    Acquire = 10,
    Release = 11,
    Custom = 12,
    CompareAndDelete = 13,
    CompareAndSetE = 14,
    Refresh = 15,
    DbInfo = 16,

    /// <summary>Lists the shards a server serves; answered by the server itself, whatever shard id the frame carries.</summary>
    ListShards = 17,
}
