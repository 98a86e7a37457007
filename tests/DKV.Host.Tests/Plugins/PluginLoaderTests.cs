using System.Buffers;
using System.Reflection;
using System.Runtime.Loader;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Plugins;
using DKV.Core.Serialization;
using DKV.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;

namespace DKV.Host.Tests.Plugins;

[CancelAfter(60_000)]
public sealed class PluginLoaderTests
{
    private static string PluginsRoot => Path.Combine(AppContext.BaseDirectory, "plugins");

    private static string Folder(string name) => Path.Combine(PluginsRoot, name);

    [Test]
    public void LoadAll_PluginWithOtherVersionOfHostDependency_BothVersionsLoadSideBySideAndPluginWorks()
    {
        var services = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Folder("DKV.TestPlugins.Newtonsoft")] }).LoadAll(services);
        Assert.That(catalog.Failures, Is.Empty);

        using var provider = services.BuildServiceProvider();
        var serializer = catalog.Resolve<IRpcSerializer>(provider, "newtonsoft");
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Serialize(new Message { Type = MessageType.Set, Key = "k", Value = new byte[] { 1, 2, 3 } }, buffer);
        var back = serializer.Deserialize(buffer.WrittenSpan);

        string hostVersion = FileVersion(typeof(JsonConvert).Assembly);
        var pluginContext = AssemblyLoadContext.GetLoadContext(serializer.GetType().Assembly)!;
        var pluginNewtonsoft = pluginContext.Assemblies.Single(a => a.GetName().Name == "Newtonsoft.Json");
        Assert.Multiple(() =>
        {
            Assert.That(back.Key, Is.EqualTo("k"));
            Assert.That(back.Value!.Value.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(hostVersion, Does.StartWith("13.0.3"), "the test host runs Newtonsoft.Json 13.0.3");
            Assert.That(back.Error, Does.StartWith("13.0.1"), "the plugin's serializer ran on its private Newtonsoft.Json 13.0.1");
            Assert.That(FileVersion(pluginNewtonsoft), Does.StartWith("13.0.1"));
            Assert.That(pluginContext, Is.Not.SameAs(AssemblyLoadContext.Default));
            Assert.That(AssemblyLoadContext.Default.Assemblies.Count(a => a.GetName().Name == "Newtonsoft.Json"), Is.EqualTo(1));
        });
    }

    [Test]
    public void LoadAll_PluginTypes_UnifyWithHostContracts()
    {
        var services = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Folder("DKV.TestPlugins.Newtonsoft")] }).LoadAll(services);
        using var provider = services.BuildServiceProvider();
        var serializer = catalog.Resolve<IRpcSerializer>(provider, "newtonsoft");

        var contractAssembly = serializer.GetType().GetInterfaces().Single(i => i.Name == nameof(IRpcSerializer)).Assembly;
        Assert.That(contractAssembly, Is.SameAs(typeof(IRpcSerializer).Assembly), "DKV.Core must come from the host");
    }

    [Test]
    public void LoadAll_DirectoryOfPluginFolders_RecordsNamesByKindAndVersion()
    {
        var services = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [PluginsRoot] }).LoadAll(services);

        var maple = catalog.Loaded.Single(p => p.Name == "DKV.Engines.Maple");
        var serializers = catalog.Loaded.Single(p => p.Name == "DKV.Serializers");
        Assert.Multiple(() =>
        {
            Assert.That(maple.NamesByKind[PluginKinds.Engine], Is.EqualTo(new[] { "maple" }));
            Assert.That(maple.Folder, Is.EqualTo(Folder("DKV.Engines.Maple")));
            Assert.That(maple.ContractVersion, Is.EqualTo(PluginContract.Version));
            Assert.That(maple.AssemblyVersion, Is.Not.Empty);
            Assert.That(serializers.NamesByKind[PluginKinds.Serializer], Does.Contain("binary"));
            Assert.That(catalog.NamesOf(PluginKinds.Serializer), Does.Contain("binary").And.Contain("newtonsoft"));
            Assert.That(catalog.NamesOf(PluginKinds.Serializer), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        });
        using var provider = services.BuildServiceProvider();
        using var engine = catalog.Resolve<IEngineFactory>(provider, "maple").Create();
        Assert.That(engine.Name, Is.EqualTo("maple"));
    }

    [Test]
    public void LoadAll_NewerContractVersion_RefusedWithBothVersionsAndOthersStillLoad()
    {
        var services = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [PluginsRoot] }).LoadAll(services);

        var failure = catalog.Failures.Single(f => f.Folder == Folder("DKV.TestPlugins.FutureContract"));
        Assert.Multiple(() =>
        {
            Assert.That(failure.Reason, Does.Contain($"plugin contract version {PluginContract.Version + 1}"));
            Assert.That(failure.Reason, Does.Contain($"this host supports version {PluginContract.Version}"));
            Assert.That(catalog.Loaded.Select(p => p.Name), Does.Contain("DKV.Serializers"));
            Assert.That(catalog.Loaded.Select(p => p.Name), Does.Not.Contain("DKV.TestPlugins.FutureContract"));
        });
    }

    [Test]
    public void Resolve_UnknownName_ListsLoadedNames()
    {
        var services = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Folder("DKV.Serializers")] }).LoadAll(services);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<DkvException>(() => catalog.Resolve<IRpcSerializer>(provider, "binry"));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
            Assert.That(ex.Message, Is.EqualTo($"serializer 'binry' is not loaded; loaded: {string.Join(", ", catalog.NamesOf(PluginKinds.Serializer))}"));
            Assert.That(catalog.NamesOf(PluginKinds.Serializer), Does.Contain("binary"));
        });
    }

    [Test]
    public void LoadAll_MissingDirectory_RecordedAsFailure()
    {
        string missing = Path.Combine(Path.GetTempPath(), "dkv-no-such-plugins-" + Guid.NewGuid().ToString("N"));
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [missing] }).LoadAll(new ServiceCollection());

        Assert.Multiple(() =>
        {
            Assert.That(catalog.Loaded, Is.Empty);
            Assert.That(catalog.Failures.Single().Reason, Does.Contain("does not exist"));
            Assert.That(catalog.NotLoadedMessage(PluginKinds.Transport, "tcp"), Does.StartWith("transport 'tcp' is not loaded; loaded: none ("));
        });
    }

    [Test]
    public void LoadAll_SameNameFromTwoPlugins_SecondRefused()
    {
        string copy = Path.Combine(Path.GetTempPath(), "dkv-plugin-copy-" + Guid.NewGuid().ToString("N"), "DKV.Serializers");
        try
        {
            Directory.CreateDirectory(copy);
            foreach (string file in Directory.GetFiles(Folder("DKV.Serializers")))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Folder("DKV.Serializers"), copy] }).LoadAll(new ServiceCollection());

            Assert.That(catalog.Loaded, Has.Count.EqualTo(1));
            Assert.That(catalog.Failures.Single().Reason, Does.Match("registers serializer '[a-z]+', which plugin 'DKV.Serializers' already registered"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }

    [Test]
    public void LoadAll_FolderWithoutPluginAssembly_RecordsReason()
    {
        string root = Path.Combine(Path.GetTempPath(), "dkv-plugins-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "Empty"));
            var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [root] }).LoadAll(new ServiceCollection());

            Assert.That(catalog.Failures.Single().Reason, Does.StartWith("no plugin assembly found: expected Empty.dll"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string FileVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()!.Version;
}
