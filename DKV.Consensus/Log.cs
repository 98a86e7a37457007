using Microsoft.Extensions.Logging;

namespace DKV.Consensus;

/// <summary>Source-generated log messages of the Raft plugin. Event ids 6000-6099.</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "raft: replica {Replica} started {Groups} group(s) in {DataDirectory}; peers listen on {ListenAddress}")]
    public static partial void NodeStarted(ILogger logger, string replica, int groups, string dataDirectory, string listenAddress);

    [LoggerMessage(6001, LogLevel.Information, "raft: group {Group} on {Replica} is now {Role} in term {Term} (leader {Leader})")]
    public static partial void RoleChanged(ILogger logger, ulong group, string replica, string role, ulong term, string leader);

    [LoggerMessage(6002, LogLevel.Warning, "raft: the write-ahead log cut off a torn tail on start: {Report}")]
    public static partial void TornTail(ILogger logger, string report);

    [LoggerMessage(6003, LogLevel.Information, "raft: group {Group} took a snapshot at index {Index} ({Bytes} bytes); log kept from index {FirstKept}")]
    public static partial void SnapshotTaken(ILogger logger, ulong group, ulong index, int bytes, ulong firstKept);

    [LoggerMessage(6004, LogLevel.Information, "raft: group {Group} installed a snapshot from the leader at index {Index}")]
    public static partial void SnapshotInstalled(ILogger logger, ulong group, ulong index);

    [LoggerMessage(6005, LogLevel.Critical, "raft: replica {Replica} stopped on a fatal error; every request now fails")]
    public static partial void NodeFailed(ILogger logger, string replica, Exception error);

    [LoggerMessage(6006, LogLevel.Information, "raft: replica {Replica} stopped")]
    public static partial void NodeStopped(ILogger logger, string replica);

    [LoggerMessage(6007, LogLevel.Debug, "raft: dropped a message for group {Group}, which this replica does not host")]
    public static partial void UnknownGroup(ILogger logger, ulong group);

    [LoggerMessage(6008, LogLevel.Warning, "raft: replica {Replica} could not flush the write-ahead log on stop: {Error}")]
    public static partial void FlushOnStopFailed(ILogger logger, string replica, string error);

    [LoggerMessage(6009, LogLevel.Error, "raft: a background task of replica {Replica} failed")]
    public static partial void BackgroundFailed(ILogger logger, string replica, Exception error);
}
