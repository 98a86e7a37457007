using System.Diagnostics.CodeAnalysis;

namespace DKV.Engines.Maple;

/// <summary>
/// A min-heap of (deadline, key) holding at most one item per key, so overwriting a key with a new TTL moves its item
/// instead of adding one: memory stays proportional to the keys that have deadlines, never to the writes.
/// </summary>
/// <remarks>Not thread-safe; a shard uses it under its lock.</remarks>
internal sealed class DeadlineHeap
{
    private readonly Dictionary<string, int> _positions = [];
    private (long Deadline, string Key)[] _items = [];
    private int _count;

    public int Count => _count;

    /// <summary>Adds the key or moves it to <paramref name="deadline"/>.</summary>
    public void Set(string key, long deadline)
    {
        if (_positions.TryGetValue(key, out int position))
        {
            long old = _items[position].Deadline;
            _items[position].Deadline = deadline;
            if (deadline < old)
            {
                SiftUp(position);
            }
            else
            {
                SiftDown(position);
            }

            return;
        }

        if (_count == _items.Length)
        {
            Array.Resize(ref _items, Math.Max(16, _count * 2));
        }

        _items[_count] = (deadline, key);
        _positions[key] = _count;
        _count++;
        SiftUp(_count - 1);
    }

    /// <summary>Removes the key if it is queued.</summary>
    public void Remove(string key)
    {
        if (!_positions.Remove(key, out int position))
        {
            return;
        }

        _count--;
        if (position == _count)
        {
            _items[_count] = default;
            return;
        }

        long removed = _items[position].Deadline;
        _items[position] = _items[_count];
        _items[_count] = default;
        _positions[_items[position].Key] = position;
        if (_items[position].Deadline < removed)
        {
            SiftUp(position);
        }
        else
        {
            SiftDown(position);
        }
    }

    /// <summary>The earliest item, without removing it.</summary>
    public bool TryPeek([NotNullWhen(true)] out string? key, out long deadline)
    {
        if (_count == 0)
        {
            key = null;
            deadline = 0;
            return false;
        }

        (deadline, key) = _items[0];
        return true;
    }

    /// <summary>Drops every item and releases the storage.</summary>
    public void Clear()
    {
        _positions.Clear();
        _items = [];
        _count = 0;
    }

    private void SiftUp(int position)
    {
        var item = _items[position];
        while (position > 0)
        {
            int parent = (position - 1) >> 1;
            if (_items[parent].Deadline <= item.Deadline)
            {
                break;
            }

            Place(position, _items[parent]);
            position = parent;
        }

        Place(position, item);
    }

    private void SiftDown(int position)
    {
        var item = _items[position];
        while (true)
        {
            int child = (2 * position) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && _items[child + 1].Deadline < _items[child].Deadline)
            {
                child++;
            }

            if (item.Deadline <= _items[child].Deadline)
            {
                break;
            }

            Place(position, _items[child]);
            position = child;
        }

        Place(position, item);
    }

    private void Place(int position, (long Deadline, string Key) item)
    {
        _items[position] = item;
        _positions[item.Key] = position;
    }
}
