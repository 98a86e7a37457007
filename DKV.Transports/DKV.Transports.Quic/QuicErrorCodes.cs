namespace DKV.Transports.Quic;

/// <summary>Application error codes this transport puts in QUIC CONNECTION_CLOSE and RESET_STREAM frames.</summary>
internal static class QuicErrorCodes
{
    /// <summary>Orderly close.</summary>
    public const long Closed = 0;

    /// <summary>A stream was aborted (the connection or server went away mid-request).</summary>
    public const long StreamAborted = 1;

    /// <summary>The server is shutting down and refuses new streams.</summary>
    public const long ShuttingDown = 2;
}
