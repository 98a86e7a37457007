using System.Text;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Testing.Engines;
using DKV.Testing.Infrastructure;

namespace DKV.Core.Tests.Stores;

/// <summary>An lstore over the model engine on a manual clock; dispose it at the end of the test.</summary>
internal sealed class StoreHarness : IDisposable
{
    public StoreHarness(Func<IKVDB, IKVDB>? wrapEngine = null, LocalStoreOptions? options = null)
    {
        Model = new ModelEngine();
        Engine = wrapEngine is null ? Model : wrapEngine(Model);
        Store = new LocalStore(Engine, Clock, options);
    }

    public ManualTimeProvider Clock { get; } = new();

    public ModelEngine Model { get; }

    public IKVDB Engine { get; }

    public LocalStore Store { get; }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    public async Task<string?> ValueOfAsync(string key)
    {
        GetResult read = await Store.GetAsync(key);
        return read.Found ? Text(read.Value) : null;
    }

    public void Dispose() => Engine.Dispose();
}
