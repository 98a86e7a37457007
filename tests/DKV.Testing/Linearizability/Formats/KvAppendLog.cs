using System.Globalization;
using System.Text.RegularExpressions;
using DKV.Testing.Linearizability.Models;

namespace DKV.Testing.Linearizability.Formats;

/// <summary>
/// Reads a kv-append history (EDN maps, one a line: <c>{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}</c>).
/// Times are line numbers. An invoke with no <c>:ok</c> has an unknown outcome (a get without an answer is dropped).
/// </summary>
public static partial class KvAppendLog
{
    /// <summary>Parses the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<Operation<AppendInput, AppendOutput>> ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    /// <summary>Parses a whole history. Throws <see cref="FormatException"/> naming the line on a malformed or unexpected event.</summary>
    public static IReadOnlyList<Operation<AppendInput, AppendOutput>> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var history = new History<AppendInput, AppendOutput>();
        var open = new Dictionary<int, (int Handle, AppendInput Input)>();
        long lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Match match = EventPattern().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"line {lineNumber}: not a kv-append event: '{line}'");
            }

            int process = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var kind = match.Groups[3].Value switch
            {
                "get" => AppendOperationKind.Get,
                "put" => AppendOperationKind.Put,
                _ => AppendOperationKind.Append,
            };
            string value = match.Groups[6].Success ? match.Groups[6].Value : string.Empty;
            if (match.Groups[2].Value == "invoke")
            {
                var input = new AppendInput(kind, match.Groups[4].Value, value);
                open[process] = (history.Call(process, input, lineNumber), input);
            }
            else if (open.Remove(process, out var call))
            {
                history.Return(call.Handle, new AppendOutput(false, value), lineNumber);
            }
            else
            {
                throw new FormatException($"line {lineNumber}: process {process} completes an operation it never invoked");
            }
        }

        foreach ((int handle, AppendInput input) in open.Values)
        {
            if (input.Kind == AppendOperationKind.Get)
            {
                history.Drop(handle);
            }
            else
            {
                history.Unknown(handle, AppendOutput.Unknown);
            }
        }

        return history.Build();
    }

    [GeneratedRegex(@"^\{:process (\d+), :type :(invoke|ok), :f :(get|put|append), :key ""([^""]*)"", :value (nil|""([^""]*)"")\}\s*$")]
    private static partial Regex EventPattern();
}
