using System.CommandLine;
using System.Text;
using DKV.Cli.Output;
using DKV.Cli.Settings;
using DKV.Core.Rpc;
using DKV.Host.Config;

namespace DKV.Cli.Commands;

/// <summary><c>dkv kv</c>: set, setE, setEIfUnset, get, has, delete (del), expire (expr). Output lines as upstream dKV.</summary>
internal static class KvCommands
{
    private const string ExpireIn = "expire-in";
    private const string DeleteIn = "delete-in";

    private static readonly SettingDefinition[] s_ttlDefinitions =
    [
        new(ExpireIn, "0", "After this long the value is expired: get stops finding it, has still does (30s, 500ms, 2m; a bare number is seconds; 0 = never)"),
        new(DeleteIn, "0", "After this long the key is deleted: get and has stop finding it (same formats; 0 = never)"),
    ];

    public static Command Create(SettingOptions common, ClientCommand runner)
    {
        var kv = new Command("kv", "Key-value operations on a store shard (default shard 100)");
        common.AddTo(kv);
        kv.Add(SetCommand("set", "Set a value; with --expire-in/--delete-in it is a setE", runner, conditional: false, positionalTtl: false));
        kv.Add(SetCommand("setE", "Set a value with TTLs: setE KEY VALUE [EXPIRE_IN DELETE_IN] (seconds) or --expire-in/--delete-in", runner, conditional: false, positionalTtl: true));
        kv.Add(SetCommand("setEIfUnset", "Set a value with TTLs only when the key is absent or deleted; says whether it applied", runner, conditional: true, positionalTtl: true));
        kv.Add(KeyCommand("get", [], "Get a value (not expired)", runner, async (store, key, output, ct) =>
        {
            var result = await store.GetAsync(key, ct).ConfigureAwait(false);
            string value = result.Found ? Encoding.UTF8.GetString(result.Value.Span) : string.Empty;
            output.Result($"key={key}, found={Bool(result.Found)}, resp={value}", w =>
            {
                Common(w, "get", key);
                w.WriteBoolean("found", result.Found);
                if (result.Found)
                {
                    w.WriteString("value", value);
                    w.WriteNumber("index", result.Index);
                }
            });
            return ExitCodes.Success;
        }));
        kv.Add(KeyCommand("has", [], "Check a key exists (true while expired, until deleted)", runner, async (store, key, output, ct) =>
        {
            bool found = await store.HasAsync(key, ct).ConfigureAwait(false);
            output.Result($"key={key}, found={Bool(found)}", w =>
            {
                Common(w, "has", key);
                w.WriteBoolean("found", found);
            });
            return ExitCodes.Success;
        }));
        kv.Add(KeyCommand("delete", ["del"], "Delete a key", runner, async (store, key, output, ct) =>
        {
            var result = await store.DeleteAsync(key, ct).ConfigureAwait(false);
            output.Result("delete successfully", w => Written(w, "delete", key, result.Applied, result.Index));
            return ExitCodes.Success;
        }));
        kv.Add(KeyCommand("expire", ["expr"], "Expire a key's value now (has still finds it until deleted)", runner, async (store, key, output, ct) =>
        {
            var result = await store.ExpireAsync(key, ct).ConfigureAwait(false);
            output.Result("expire successfully", w => Written(w, "expire", key, result.Applied, result.Index));
            return ExitCodes.Success;
        }));
        return kv;
    }

    private static Command KeyCommand(string name, string[] aliases, string description, ClientCommand runner,
        Func<RemoteStore, string, CommandOutput, CancellationToken, Task<int>> body)
    {
        var command = new Command(name, description);
        foreach (string alias in aliases)
        {
            command.Aliases.Add(alias);
        }

        var key = new Argument<string>("key") { Description = "The key" };
        command.Add(key);
        runner.SetAction(command, null, (parse, _, client, output, ct) =>
            body(new RemoteStore(client.Transport, client.Serializer, client.Shard), parse.GetRequiredValue(key), output, ct));
        return command;
    }

    private static Command SetCommand(string name, string description, ClientCommand runner, bool conditional, bool positionalTtl)
    {
        var command = new Command(name, description);
        var key = new Argument<string>("key") { Description = "The key" };
        var value = new Argument<string>("value") { Description = "The value (stored as UTF-8 bytes)" };
        var expire = new Argument<string?>("expire-in") { Description = "Expire after this many seconds (or a duration); 0 = never", Arity = ArgumentArity.ZeroOrOne };
        var delete = new Argument<string?>("delete-in") { Description = "Delete after this many seconds (or a duration); 0 = never", Arity = ArgumentArity.ZeroOrOne };
        command.Add(key);
        command.Add(value);
        if (positionalTtl)
        {
            command.Add(expire);
            command.Add(delete);
        }

        var local = new SettingOptions(s_ttlDefinitions, recursive: false);
        local.AddTo(command);
        runner.SetAction(command, local, async (parse, settings, client, output, ct) =>
        {
            var expireIn = Ttl(parse.GetValue(expire), "expireIn", settings.Get(ExpireIn), positionalTtl);
            var deleteIn = Ttl(parse.GetValue(delete), "deleteIn", settings.Get(DeleteIn), positionalTtl);
            var store = new RemoteStore(client.Transport, client.Serializer, client.Shard);
            string k = parse.GetRequiredValue(key);
            byte[] bytes = Encoding.UTF8.GetBytes(parse.GetRequiredValue(value));
            bool ttl = expireIn != TimeSpan.Zero || deleteIn != TimeSpan.Zero;
            var result = conditional ? await store.SetEIfUnsetAsync(k, bytes, expireIn, deleteIn, ct).ConfigureAwait(false)
                : name == "set" && !ttl ? await store.SetAsync(k, bytes, ct).ConfigureAwait(false)
                : await store.SetEAsync(k, bytes, expireIn, deleteIn, ct).ConfigureAwait(false);
            string text = conditional
                ? result.Applied ? "setEIfUnset applied=true" : "setEIfUnset applied=false (key already set)"
                : $"{name} successfully";
            output.Result(text, w => Written(w, name, k, result.Applied, result.Index));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A TTL from the positional argument (upstream's seconds; a duration also works) or else the flag / DKV_* value.</summary>
    private static TimeSpan Ttl(string? positional, string upstreamName, Setting setting, bool positionalAllowed)
    {
        if (positionalAllowed && positional is not null)
        {
            return DurationText.TryParse(positional, TimeSpan.FromSeconds(1), out var fromPositional)
                ? fromPositional
                : throw new ConfigException($"{upstreamName} must be a number: '{positional}' is neither a number of seconds nor a duration such as 30s or 500ms");
        }

        return SettingParser.Duration(setting, TimeSpan.FromSeconds(1), TimeSpan.Zero);
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static void Common(System.Text.Json.Utf8JsonWriter w, string command, string key)
    {
        w.WriteString("command", command);
        w.WriteString("key", key);
    }

    private static void Written(System.Text.Json.Utf8JsonWriter w, string command, string key, bool applied, ulong index)
    {
        Common(w, command, key);
        w.WriteBoolean("applied", applied);
        w.WriteNumber("index", index);
    }
}
