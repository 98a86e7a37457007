using Microsoft.Extensions.Logging;

namespace DKV.Transports.Tests.Infrastructure;

/// <summary>One captured log line.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
