using System.Text;
using System.Text.Json;

namespace DKV.Cli.Output;

/// <summary>
/// Prints a command's result: upstream dKV's text lines by default, or with <c>--output json</c> exactly one JSON object
/// on one line. Errors go to stderr as <c>error: message</c> (and, in JSON mode, also as a JSON object on stdout).
/// </summary>
public sealed class CommandOutput
{
    private readonly TextWriter _out;
    private readonly TextWriter _error;

    public CommandOutput(TextWriter output, TextWriter error, bool json)
    {
        _out = output;
        _error = error;
        IsJson = json;
    }

    public bool IsJson { get; }

    /// <summary>Prints <paramref name="text"/> as a line, or the object <paramref name="json"/> writes.</summary>
    public void Result(string text, Action<Utf8JsonWriter> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!IsJson)
        {
            _out.WriteLine(text);
            return;
        }

        _out.WriteLine(Json(json));
    }

    /// <summary>Reports a failure: <c>error: message</c> on stderr; in JSON mode also <c>{"error":{"code":...,"message":...}}</c> on stdout.</summary>
    public void Error(string code, string message)
    {
        _error.WriteLine($"error: {message}");
        if (IsJson)
        {
            _out.WriteLine(Json(w =>
            {
                w.WritePropertyName("error");
                w.WriteStartObject();
                w.WriteString("code", code);
                w.WriteString("message", message);
                w.WriteEndObject();
            }));
        }
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: the output is read by people and JSON parsers, never embedded in HTML, so ' and + stay as they are.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
