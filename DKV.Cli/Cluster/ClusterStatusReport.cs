using System.Globalization;
using System.Text;
using System.Text.Json;
using DKV.Cli.Output;

namespace DKV.Cli.Cluster;

/// <summary>
/// Turns the endpoints' answers into one table per shard (a row per node: role, term, leader, commit, applied, first and last
/// index, log size; or why the node has no row) and prints it as text or as one JSON object.
/// </summary>
internal static class ClusterStatusReport
{
    private static readonly string[] s_headers = ["NODE", "ENDPOINT", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "FIRST", "LAST", "LOG"];

    /// <summary>
    /// The rows per shard: for <paramref name="shards"/>, or when null for every shard that some node reports as replicated.
    /// </summary>
    public static IReadOnlyList<(ulong Shard, string Kind, IReadOnlyList<StatusRow> Rows)> Build(IReadOnlyList<NodeAnswer> answers, IReadOnlyList<ulong>? shards)
    {
        var ids = shards ?? answers
            .SelectMany(a => a.Infos.Where(i => i.Value.Info?.Replication is not null).Select(i => i.Key))
            .Distinct().Order().ToList();
        var tables = new List<(ulong, string, IReadOnlyList<StatusRow>)>();
        foreach (ulong id in ids)
        {
            string kind = answers.SelectMany(a => a.Shards).FirstOrDefault(s => s.Id == id)?.Kind ?? "unknown";
            tables.Add((id, kind, answers.Select(a => Row(a, id)).ToList()));
        }

        return tables;
    }

    /// <summary>Prints the tables; text mode adds one verdict line per shard (the leader, or that there is none).</summary>
    public static void Print(CommandOutput output, TextWriter text, IReadOnlyList<(ulong Shard, string Kind, IReadOnlyList<StatusRow> Rows)> tables)
    {
        if (output.IsJson)
        {
            output.Result(string.Empty, w => WriteJson(w, tables));
            return;
        }

        if (tables.Count == 0)
        {
            text.WriteLine("no replicated shards answered (dstore, lockmgr(dstore)); name one with --shard to see any shard");
            return;
        }

        foreach (var (shard, kind, rows) in tables)
        {
            text.WriteLine($"shard {shard} ({kind}): {Verdict(rows)}");
            var cells = rows.Select(Cells).ToList();
            // A problem row's last cell (a sentence) does not widen the column it starts in.
            var widths = s_headers.Select((h, i) => Math.Max(h.Length, cells.Where(c => c.Length > i + 1 || c.Length == s_headers.Length).Select(c => c[i].Length).DefaultIfEmpty(0).Max())).ToArray();
            text.WriteLine(Line(s_headers, widths));
            foreach (var row in cells)
            {
                text.WriteLine(Line(row, widths));
            }

            text.WriteLine();
        }
    }

    /// <summary>True when at least one endpoint answered at all.</summary>
    public static bool AnyAnswered(IReadOnlyList<NodeAnswer> answers) => answers.Any(a => a.Error is null);

    private static StatusRow Row(NodeAnswer answer, ulong shard)
    {
        if (answer.Error is not null)
        {
            return new StatusRow(answer.Endpoint, null, $"unreachable: {answer.Error}");
        }

        if (!answer.Infos.TryGetValue(shard, out var info))
        {
            return new StatusRow(answer.Endpoint, null, "not served here");
        }

        if (info.Info is null)
        {
            return new StatusRow(answer.Endpoint, null, info.Error);
        }

        return info.Info.Replication is { } status
            ? new StatusRow(answer.Endpoint, status, null)
            : new StatusRow(answer.Endpoint, null, $"not replicated ({info.Info.StoreKind})");
    }

    private static string Verdict(IReadOnlyList<StatusRow> rows)
    {
        var live = rows.Where(r => r.Status is not null).Select(r => r.Status!).ToList();
        var leaders = live.Where(s => s.Role == "leader").ToList();
        string answered = $"{live.Count} of {rows.Count} nodes report a replica";
        return leaders.Count switch
        {
            0 => $"no leader; {answered}",
            1 => $"leader {leaders[0].Replica} (term {leaders[0].Term}); {answered}",
            _ => $"{leaders.Count} nodes say they lead ({string.Join(", ", leaders.Select(l => $"{l.Replica} in term {l.Term}"))}); the older terms have not heard of the newer yet; {answered}",
        };
    }

    private static string[] Cells(StatusRow row)
    {
        if (row.Status is not { } s)
        {
            return ["-", row.Endpoint, row.Problem ?? "no answer"];
        }

        return
        [
            s.Replica, row.Endpoint, s.Role, Number(s.Term), s.Leader ?? "-", Number(s.CommitIndex), Number(s.AppliedIndex),
            Number(s.FirstIndex), Number(s.LastIndex), Bytes(s.LogBytes),
        ];
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            // A problem row's last cell runs on past the columns: it is a sentence, not a figure.
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        return line.ToString().TrimEnd();
    }

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };

    private static void WriteJson(Utf8JsonWriter w, IReadOnlyList<(ulong Shard, string Kind, IReadOnlyList<StatusRow> Rows)> tables)
    {
        w.WriteStartArray("shards");
        foreach (var (shard, kind, rows) in tables)
        {
            w.WriteStartObject();
            w.WriteNumber("id", shard);
            w.WriteString("kind", kind);
            w.WriteStartArray("nodes");
            foreach (var row in rows)
            {
                w.WriteStartObject();
                w.WriteString("endpoint", row.Endpoint);
                if (row.Status is { } s)
                {
                    w.WriteString("replica", s.Replica);
                    w.WriteString("role", s.Role);
                    w.WriteNumber("term", s.Term);
                    w.WriteString("leader", s.Leader);
                    w.WriteNumber("commitIndex", s.CommitIndex);
                    w.WriteNumber("appliedIndex", s.AppliedIndex);
                    w.WriteNumber("firstIndex", s.FirstIndex);
                    w.WriteNumber("lastIndex", s.LastIndex);
                    w.WriteNumber("logBytes", s.LogBytes);
                }
                else
                {
                    w.WriteString("problem", row.Problem);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
