namespace DKV.Core.Storage;

/// <summary>
/// What an engine can do. The first ten bits keep upstream dKV's values; the rest are ours.
/// A store checks these before calling and answers <see cref="Errors.DkvErrorCode.Unsupported"/> otherwise.
/// </summary>
[Flags]
public enum EngineFeatures : uint
{
    None = 0,
    Set = 1 << 0,
    SetE = 1 << 1,
    SetEIfUnset = 1 << 2,
    Get = 1 << 3,
    Expire = 1 << 4,
    Delete = 1 << 5,
    Has = 1 << 6,
    Save = 1 << 7,
    Load = 1 << 8,
    GarbageCollect = 1 << 9,
    CompareAndDelete = 1 << 10,
    CompareAndSetE = 1 << 11,

    All = Set | SetE | SetEIfUnset | Get | Expire | Delete | Has | Save | Load | GarbageCollect | CompareAndDelete | CompareAndSetE,
}
