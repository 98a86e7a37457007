using DKV.Core.Errors;
using DKV.Testing.Linearizability.Models;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>One write a client issued and what became of it.</summary>
/// <param name="Input">The write.</param>
/// <param name="Outcome">Acknowledged, maybe applied, or definitely not applied.</param>
/// <param name="Applied">The store's applied flag when acknowledged.</param>
/// <param name="Error">The error code when it failed.</param>
internal sealed record WriteRecord(KvInput Input, WriteOutcome Outcome, bool? Applied, DkvErrorCode? Error);
