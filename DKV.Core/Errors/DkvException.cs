namespace DKV.Core.Errors;

/// <summary>
/// The one exception type that the store, lock manager, RPC shell and plugins throw for expected failures.
/// It carries a <see cref="DkvErrorCode"/> that crosses the wire unchanged; the message names the thing, the value and the fix.
/// </summary>
public sealed class DkvException : Exception
{
    public DkvException(DkvErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    public DkvException(DkvErrorCode code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>What went wrong, as a stable code.</summary>
    public DkvErrorCode Code { get; }

    /// <summary>True when the failed operation was certainly not applied (see <see cref="DkvErrorCodes.IsDefinitelyNotApplied"/>).</summary>
    public bool DefinitelyNotApplied => DkvErrorCodes.IsDefinitelyNotApplied(Code);

    /// <inheritdoc/>
    public override string ToString() => $"{DkvErrorCodes.ToName(Code)}: {Message}";
}
