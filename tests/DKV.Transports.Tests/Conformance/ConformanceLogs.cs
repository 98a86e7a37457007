using DKV.Transports.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Tests.Conformance;

/// <summary>Captures a fixture's transport logs and writes them to the test output when a test fails.</summary>
public sealed class ConformanceLogs : IDisposable
{
    private CapturingLoggerProvider _provider = new();

    public ConformanceLogs()
    {
        Factory = LoggerFactory.Create(builder => builder.AddProvider(new ForwardingProvider(this)).SetMinimumLevel(LogLevel.Debug));
    }

    public ILoggerFactory Factory { get; }

    /// <summary>Writes the captured lines if the current test failed, then starts a fresh capture.</summary>
    public void DumpIfFailedAndReset()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            foreach (LogEntry entry in _provider.Entries)
            {
                TestContext.Out.WriteLine($"[{entry.Level}] {entry.EventId.Id} {entry.Category}: {entry.Message} {entry.Exception?.Message}");
            }
        }

        _provider = new CapturingLoggerProvider();
    }

    public void Dispose() => Factory.Dispose();

    private sealed class ForwardingProvider(ConformanceLogs owner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ForwardingLogger(owner, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class ForwardingLogger(ConformanceLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._provider.CreateLogger(category).Log(logLevel, eventId, state, exception, formatter);
    }
}
