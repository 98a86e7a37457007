using System.Globalization;
using System.Text.RegularExpressions;
using DKV.Testing.Linearizability.Models;

namespace DKV.Testing.Linearizability.Formats;

/// <summary>
/// Reads a Jepsen etcd register log (<c>INFO  jepsen.util - 3	:invoke	:cas	[1 4]</c>) into a register history.
/// Times are line numbers. A read that failed or never answered is dropped; a write or compare-and-set with <c>:info</c>
/// or no completion has an unknown outcome; <c>:fail :cas</c> is a definite failed comparison; <c>:fail :write</c> did not happen.
/// </summary>
public static partial class JepsenEtcdLog
{
    /// <summary>Parses the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<Operation<RegisterInput, RegisterOutput>> ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    /// <summary>Parses a whole log; lines that are not client events are ignored. Throws <see cref="FormatException"/> naming the line on a malformed event.</summary>
    public static IReadOnlyList<Operation<RegisterInput, RegisterOutput>> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var history = new History<RegisterInput, RegisterOutput>();
        var open = new Dictionary<int, (int Handle, RegisterInput Input)>();
        long lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            Match match = EventPattern().Match(line);
            if (!match.Success)
            {
                continue;
            }

            int process = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            string type = match.Groups[2].Value;
            string value = match.Groups[4].Value.Trim();
            if (type == "invoke")
            {
                RegisterInput input = ParseInput(match.Groups[3].Value, value, lineNumber);
                open[process] = (history.Call(process, input, lineNumber), input);
                continue;
            }

            if (!open.Remove(process, out var call))
            {
                throw new FormatException($"line {lineNumber}: process {process} completes an operation it never invoked: '{line}'");
            }

            Complete(history, call.Handle, call.Input, type, value, lineNumber);
        }

        foreach ((int handle, RegisterInput input) in open.Values)
        {
            EndUnknown(history, handle, input);
        }

        return history.Build();
    }

    private static void Complete(History<RegisterInput, RegisterOutput> history, int handle, RegisterInput input, string type, string value, long time)
    {
        switch (type)
        {
            case "ok" when input.Kind == RegisterOperationKind.Read:
                history.Return(handle, RegisterOutput.ReadValue(value == "nil" ? null : ParseInt(value, time)), time);
                break;
            case "ok":
                history.Return(handle, RegisterOutput.Completed(true), time);
                break;
            case "fail" when input.Kind == RegisterOperationKind.CompareAndSet:
                history.Return(handle, RegisterOutput.Completed(false), time);
                break;
            case "fail":
                history.Drop(handle);
                break;
            default:
                EndUnknown(history, handle, input);
                break;
        }
    }

    private static void EndUnknown(History<RegisterInput, RegisterOutput> history, int handle, RegisterInput input)
    {
        if (input.Kind == RegisterOperationKind.Read)
        {
            history.Drop(handle);
        }
        else
        {
            history.Unknown(handle, RegisterOutput.Unknown);
        }
    }

    private static RegisterInput ParseInput(string function, string value, long line) => function switch
    {
        "read" => RegisterInput.Read(),
        "write" => RegisterInput.Write(ParseInt(value, line)),
        _ => ParseCas(value, line),
    };

    private static RegisterInput ParseCas(string value, long line)
    {
        string[] parts = value.Trim('[', ']').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw new FormatException($"line {line}: a cas value must be '[A B]', got '{value}'");
        }

        return RegisterInput.CompareAndSet(ParseInt(parts[0], line), ParseInt(parts[1], line));
    }

    private static int ParseInt(string text, long line) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"line {line}: expected an integer value, got '{text}'");

    [GeneratedRegex(@"jepsen\.util - (\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s*(.*)$")]
    private static partial Regex EventPattern();
}
