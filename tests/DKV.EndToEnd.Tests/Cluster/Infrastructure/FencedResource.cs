namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// A resource the test owns and a lock protects. A holder calls <see cref="Enter"/> with its fencing token when it starts using the
/// resource and <see cref="Exit"/> when it stops (before releasing the lock). The resource accepts a token only when it is larger
/// than every token seen before, and records a violation for a token that does not grow and for two holders inside at once.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class FencedResource
{
    private readonly Lock _gate = new();
    private readonly List<string> _violations = [];
    private ulong _highestToken;
    private string? _highestHolder;
    private (string Holder, ulong Token)? _inside;
    private int _acceptedCount;

    /// <summary>Writes accepted so far.</summary>
    public int AcceptedCount
    {
        get
        {
            lock (_gate)
            {
                return _acceptedCount;
            }
        }
    }

    /// <summary>The largest token accepted.</summary>
    public ulong HighestToken
    {
        get
        {
            lock (_gate)
            {
                return _highestToken;
            }
        }
    }

    /// <summary>Everything that went wrong, one line each, in the order seen; empty when the lock was safe.</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>
    /// <paramref name="holder"/> starts using the resource with <paramref name="token"/>. Returns false (and records why) when the
    /// token is not larger than every token seen; records an overlap when another holder is still inside (and then accepts it, so
    /// that one overlap is reported once, not as a cascade).
    /// </summary>
    public bool Enter(string holder, ulong token)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        lock (_gate)
        {
            if (token <= _highestToken)
            {
                _violations.Add($"{holder} wrote with fencing token {token}, not above the highest seen ({_highestToken} by {_highestHolder}): the token went backwards or was reused");
                return false;
            }

            if (_inside is { } other)
            {
                _violations.Add($"{holder} (token {token}) entered while {other.Holder} (token {other.Token}) was still inside: two holders overlap");
            }

            _highestToken = token;
            _highestHolder = holder;
            _inside = (holder, token);
            _acceptedCount++;
            return true;
        }
    }

    /// <summary><paramref name="holder"/> stops using the resource (after an accepted <see cref="Enter"/> with <paramref name="token"/>).</summary>
    public void Exit(string holder, ulong token)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        lock (_gate)
        {
            if (_inside is { } current && current.Holder == holder && current.Token == token)
            {
                _inside = null;
            }
        }
    }
}
