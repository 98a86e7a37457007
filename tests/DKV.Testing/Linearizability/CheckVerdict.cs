namespace DKV.Testing.Linearizability;

/// <summary>The checker's answer for a history.</summary>
public enum CheckVerdict
{
    /// <summary>Some sequential order consistent with real time explains every output.</summary>
    Linearizable,

    /// <summary>No such order exists; the result names the partition and the longest linearizable prefix.</summary>
    NotLinearizable,

    /// <summary>The time or step budget ran out (or the check was cancelled) before an answer: treat it as a failure.</summary>
    Unknown,
}
