namespace DKV.Testing.Linearizability;

/// <summary>
/// A sequential specification the checker compares a concurrent history against (Porcupine's <c>Model</c>).
/// </summary>
/// <typeparam name="TState">The model state. Treated as immutable: <see cref="Step"/> must never change the state it is given.</typeparam>
/// <typeparam name="TInput">What a client asked for.</typeparam>
/// <typeparam name="TOutput">What the client got back, including a model-defined "unknown outcome" value.</typeparam>
/// <remarks>
/// Every member must be pure and deterministic: the checker calls them many times, in any order, and from several threads
/// at once when partitions are checked in parallel.
/// </remarks>
public interface IModel<TState, TInput, TOutput>
{
    /// <summary>The state before any operation.</summary>
    TState Init();

    /// <summary>
    /// Applies <paramref name="input"/> to <paramref name="state"/>. Returns false when a sequential execution could not have
    /// produced <paramref name="output"/> from that state; otherwise sets <paramref name="next"/> to the state after the operation.
    /// An output that stands for an unknown outcome must be accepted whenever the input itself is possible.
    /// </summary>
    bool Step(TState state, TInput input, TOutput output, out TState next);

    /// <summary>Whether two states are indistinguishable for every later operation.</summary>
    bool StateEquals(TState left, TState right);

    /// <summary>A hash consistent with <see cref="StateEquals"/>; it must not depend on per-process randomised string hashing if results are compared across runs.</summary>
    int StateHash(TState state);

    /// <summary>
    /// The partition an operation belongs to. Operations in different partitions never affect each other (P-compositionality),
    /// so each partition is checked on its own. Return one constant for a model that cannot be partitioned.
    /// </summary>
    string PartitionKey(TInput input);

    /// <summary>A short human-readable form of one operation, for violation reports.</summary>
    string Describe(TInput input, TOutput output);

    /// <summary>A short human-readable form of a state, for violation reports.</summary>
    string DescribeState(TState state);
}
