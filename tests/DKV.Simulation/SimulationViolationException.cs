namespace DKV.Simulation;

/// <summary>A safety or liveness check failed during a simulation; the message says which check, where and when.</summary>
public sealed class SimulationViolationException : Exception
{
    /// <summary>Creates the exception with a message naming the check.</summary>
    public SimulationViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SimulationViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public SimulationViolationException()
        : base("simulation violation")
    {
    }
}
