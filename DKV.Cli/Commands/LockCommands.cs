using System.CommandLine;
using DKV.Cli.Settings;
using DKV.Core.Locks;
using DKV.Core.Rpc;
using DKV.Host.Config;

namespace DKV.Cli.Commands;

/// <summary>
/// <c>dkv lock</c>: acquire, release, refresh on a lock shard (default 200). A lock not acquired, released or refreshed exits
/// with code 1 so scripts can write <c>dkv lock acquire job &amp;&amp; run</c> (upstream exited 0).
/// </summary>
internal static class LockCommands
{
    private const string Ttl = "ttl";
    private const string Wait = "wait";
    private const string Owner = "owner";

    private static readonly SettingDefinition s_ttl = new(Ttl, "30s", "How long the lock is held unless refreshed or released (30s, 500ms, 2m; a bare number is seconds)");

    public static Command Create(SettingOptions common, ClientCommand runner)
    {
        var group = new Command("lock", "Lock operations on a lock shard (default shard 200)");
        common.AddTo(group);
        group.Add(AcquireCommand(runner));
        group.Add(ReleaseCommand(runner));
        group.Add(RefreshCommand(runner));
        return group;
    }

    private static Command AcquireCommand(ClientCommand runner)
    {
        var command = new Command("acquire", "Take a lock; prints acquired=true, the owner id (hex) and the fencing token");
        var key = new Argument<string>("key") { Description = "The lock's key" };
        command.Add(key);
        var local = new SettingOptions(
        [
            s_ttl,
            new(Wait, "0", "Wait up to this long while another owner holds the lock (0 = try once)"),
            new(Owner, null, "Owner id as hex, to make a retried acquire idempotent (default: a random 16-byte id)"),
        ], recursive: false);
        local.AddTo(command);
        runner.SetAction(command, local, async (parse, settings, client, output, ct) =>
        {
            var ttl = SettingParser.Duration(settings.Get(Ttl), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1));
            var wait = SettingParser.Duration(settings.Get(Wait), TimeSpan.FromSeconds(1), TimeSpan.Zero);
            var owner = settings.Get(Owner).Value is { } hex ? OwnerId(hex) : ReadOnlyMemory<byte>.Empty;
            var locks = Manager(client);
            string k = parse.GetRequiredValue(key);
            var result = wait == TimeSpan.Zero
                ? await locks.AcquireLockAsync(k, ttl, owner, ct).ConfigureAwait(false)
                : await locks.AcquireLockAsync(k, ttl, wait, owner, ct).ConfigureAwait(false);
            Print(output, "acquire", "acquired", k, result);
            return result.Acquired ? ExitCodes.Success : ExitCodes.Failed;
        }, minimumTimeout: settings => SettingParser.Duration(settings.Get(Wait), TimeSpan.FromSeconds(1), TimeSpan.Zero) + TimeSpan.FromSeconds(1));
        return command;
    }

    private static Command ReleaseCommand(ClientCommand runner)
    {
        var command = new Command("release", "Release a lock held by OWNER (hex, as printed by acquire); prints released=true");
        var key = new Argument<string>("key") { Description = "The lock's key" };
        var owner = new Argument<string>("owner") { Description = "The owner id, hex" };
        command.Add(key);
        command.Add(owner);
        runner.SetAction(command, null, async (parse, _, client, output, ct) =>
        {
            string k = parse.GetRequiredValue(key);
            bool released = await Manager(client).ReleaseLockAsync(k, OwnerId(parse.GetRequiredValue(owner)), ct).ConfigureAwait(false);
            output.Result($"released={(released ? "true" : "false")}", w =>
            {
                w.WriteString("command", "release");
                w.WriteString("key", k);
                w.WriteBoolean("released", released);
            });
            return released ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static Command RefreshCommand(ClientCommand runner)
    {
        var command = new Command("refresh", "Extend a lock held by OWNER (hex) to --ttl from now; prints refreshed=true and the new token");
        var key = new Argument<string>("key") { Description = "The lock's key" };
        var owner = new Argument<string>("owner") { Description = "The owner id, hex" };
        command.Add(key);
        command.Add(owner);
        var local = new SettingOptions([s_ttl], recursive: false);
        local.AddTo(command);
        runner.SetAction(command, local, async (parse, settings, client, output, ct) =>
        {
            var ttl = SettingParser.Duration(settings.Get(Ttl), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1));
            string k = parse.GetRequiredValue(key);
            var result = await Manager(client).RefreshLockAsync(k, OwnerId(parse.GetRequiredValue(owner)), ttl, ct).ConfigureAwait(false);
            Print(output, "refresh", "refreshed", k, result);
            return result.Acquired ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static RemoteLockManager Manager(ClientContext client)
    {
        // Server-side waits are split so that no request outlives the per-request deadline.
        var perRequest = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(2).Ticks, client.Timeout.Ticks / 2));
        return new RemoteLockManager(client.Transport, client.Serializer, client.Shard, perRequest);
    }

    private static void Print(Output.CommandOutput output, string command, string verb, string key, LockResult result)
    {
        string owner = Convert.ToHexStringLower(result.OwnerId.Span);
        string text = result.Acquired ? $"{verb}=true, ownerId={owner}, token={result.FencingToken}" : $"{verb}=false";
        output.Result(text, w =>
        {
            w.WriteString("command", command);
            w.WriteString("key", key);
            w.WriteBoolean(verb, result.Acquired);
            if (result.Acquired)
            {
                w.WriteString("ownerId", owner);
                w.WriteNumber("token", result.FencingToken);
            }
        });
    }

    private static ReadOnlyMemory<byte> OwnerId(string hex)
    {
        try
        {
            byte[] bytes = Convert.FromHexString(hex.Trim());
            return bytes.Length > 0 ? bytes : throw new ConfigException("invalid owner ID format: the owner id is empty; give the hex printed by acquire");
        }
        catch (FormatException ex)
        {
            throw new ConfigException($"invalid owner ID format: '{hex}' is not hex ({ex.Message}); give the hex printed by acquire", ex);
        }
    }
}
