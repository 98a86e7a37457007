using Microsoft.Extensions.Logging;

namespace DKV.Testing.Infrastructure;

/// <summary>One entry captured by <see cref="ListLogger{T}"/>.</summary>
public sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
