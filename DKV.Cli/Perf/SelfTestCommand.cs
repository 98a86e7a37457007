using System.CommandLine;
using DKV.Cli.Commands;
using DKV.Cli.Settings;
using DKV.Core.Rpc;
using DKV.Host.Config;

namespace DKV.Cli.Perf;

/// <summary>
/// <c>dkv kv test</c>: upstream's integration self-test against a live server, extended with TTL-deadline and lock checks.
/// Prints each failure, then <c>Finished N test runs with M errors</c>; exits 1 when any check failed (upstream exited 0).
/// </summary>
internal static class SelfTestCommand
{
    private const string Threads = "threads";
    private const string Runs = "runs";
    private const string ExpireIn = "expire-in";
    private const string LockShard = "lock-shard";

    public static Command Create(ClientCommand runner, TextWriter output, TextWriter error)
    {
        var command = new Command("test", "Integration self-test of a live server: kv round trips, a TTL deadline and a lock; exit 1 on any failure");
        var local = new SettingOptions(
        [
            new(Threads, "10", "Concurrent workers"),
            new(Runs, "100", "Runs per worker"),
            new(ExpireIn, "300ms", "TTL used by the deadline check (once per worker); the check waits this long"),
            new(LockShard, "200", "Lock shard (lockmgr) for the lock check"),
        ], recursive: false);
        local.AddTo(command);
        runner.SetAction(command, local, async (_, settings, client, _, ct) =>
        {
            int threads = (int)SettingParser.Integer(settings.Get(Threads), 1, 10_000);
            int runs = (int)SettingParser.Integer(settings.Get(Runs), 1, 10_000_000);
            var expireIn = SettingParser.Duration(settings.Get(ExpireIn), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10));
            ulong lockShard = (ulong)SettingParser.Integer(settings.Get(LockShard), 0, long.MaxValue);
            var perRequest = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(2).Ticks, client.Timeout.Ticks / 2));
            var tests = new SelfTestRunner(
                new RemoteStore(client.Transport, client.Serializer, client.Shard),
                new RemoteLockManager(client.Transport, client.Serializer, lockShard, perRequest),
                expireIn);
            await output.WriteLineAsync($"Integration testing tool for dKV servers\n\nThreads: {threads}\nstarting tests...").ConfigureAwait(false);
            await tests.RunAsync(threads, runs, ct).ConfigureAwait(false);
            foreach (string failure in tests.Failures)
            {
                await error.WriteLineAsync(failure).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"\nFinished {threads * (long)runs} test runs with {tests.Failures.Count} errors").ConfigureAwait(false);
            return tests.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
