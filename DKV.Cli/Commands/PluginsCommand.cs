using System.Collections;
using System.CommandLine;
using DKV.Cli.Settings;
using DKV.Core.Plugins;
using DKV.Host.Config;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Cli.Commands;

/// <summary><c>dkv plugins list</c>: every loaded plugin with its version, folder and names by kind, and every folder that failed with why.</summary>
internal static class PluginsCommand
{
    public static Command Create(TextWriter output, TextWriter error, IDictionary environment)
    {
        var group = new Command("plugins", "Inspect the plugins dkv loads");
        var list = new Command("list", "List loaded plugins (name, version, kinds and names, folder) and folders that failed to load, with the reason");
        var settings = new SettingOptions([new SettingDefinition(ClientSettings.PluginsDir, "plugins/ beside dkv", "A directory of plugin folders, or one plugin folder; may repeat", IsList: true)], recursive: false);
        settings.AddTo(list);
        list.SetAction(parseResult =>
        {
            IReadOnlyList<string> dirs;
            try
            {
                var (values, origin) = settings.Resolve(parseResult, environment).GetList(ClientSettings.PluginsDir);
                dirs = origin == "default" ? [PluginLoaderOptions.DefaultDirectory] : values.Select(Path.GetFullPath).ToList();
            }
            catch (ConfigException ex)
            {
                error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Usage;
            }

            var catalog = new PluginLoader(new PluginLoaderOptions { Directories = dirs }).LoadAll(new ServiceCollection());
            foreach (var plugin in catalog.Loaded)
            {
                string names = string.Join("; ", plugin.NamesByKind.Select(k => $"{k.Key}: {string.Join(", ", k.Value)}"));
                output.WriteLine($"{plugin.Name} {plugin.AssemblyVersion} (contract {plugin.ContractVersion}) {names} [{plugin.Folder}]");
            }

            foreach (var failure in catalog.Failures)
            {
                output.WriteLine($"not loaded: {failure.Folder}: {failure.Reason}");
            }

            return catalog.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        });
        group.Add(list);
        return group;
    }
}
