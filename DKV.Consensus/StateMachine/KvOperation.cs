namespace DKV.Consensus.StateMachine;

/// <summary>The write a <see cref="KvCommand"/> performs on the engine. Values are stable: they are stored in the log.</summary>
public enum KvOperation : byte
{
    /// <summary><c>IKVDB.Set</c>.</summary>
    Set = 1,

    /// <summary><c>IKVDB.SetE</c> with deadlines relative to the leader timestamp.</summary>
    SetE = 2,

    /// <summary><c>IKVDB.SetEIfUnset</c>.</summary>
    SetEIfUnset = 3,

    /// <summary><c>IKVDB.CompareAndSetE</c> against <see cref="KvCommand.Expected"/>.</summary>
    CompareAndSetE = 4,

    /// <summary><c>IKVDB.Expire</c>.</summary>
    Expire = 5,

    /// <summary><c>IKVDB.Delete</c>.</summary>
    Delete = 6,

    /// <summary><c>IKVDB.CompareAndDelete</c> against <see cref="KvCommand.Expected"/>.</summary>
    CompareAndDelete = 7,
}
