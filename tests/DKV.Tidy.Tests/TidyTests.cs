using System.Xml.Linq;
using DKV.Testing.Infrastructure;

namespace DKV.Tidy.Tests;

/// <summary>House rules the compiler cannot check (STYLE.md rules 3 and 19, DESIGN.md sections 2 and 4).</summary>
public sealed class TidyTests
{
    // STYLE.md asks for about 400 lines; the hard stop leaves room for a long doc comment before a split is due.
    private const int MaxSourceLines = 500;

    private static readonly string[] s_hostSideProjects = ["DKV.Host/DKV.Host.csproj", "DKV.Cli/DKV.Cli.csproj"];

    [Test]
    public void SourceFiles_AreSmall()
    {
        string root = RepositoryRoot.Find();
        var tooLong = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .Select(path => (Path: Path.GetRelativePath(root, path), Lines: File.ReadLines(path).Count()))
            .Where(file => file.Lines > MaxSourceLines)
            .Select(file => $"{file.Path} ({file.Lines} lines)")
            .ToList();

        Assert.That(tooLong, Is.Empty, $"split these by responsibility (limit {MaxSourceLines} lines)");
    }

    [Test]
    public void HostAndCli_ReferenceNoImplementationProject()
    {
        string root = RepositoryRoot.Find();
        foreach (string project in s_hostSideProjects)
        {
            var references = ProjectReferences(Path.Combine(root, project));
            var implementations = references.Where(r => !IsContractOrHost(r)).ToList();
            Assert.That(implementations, Is.Empty, $"{project} must reach implementations only as plugins (DESIGN.md section 4)");
        }
    }

    [Test]
    public void Core_ReferencesNoOtherProject()
    {
        string root = RepositoryRoot.Find();
        Assert.That(ProjectReferences(Path.Combine(root, "DKV.Core/DKV.Core.csproj")), Is.Empty);
    }

    private static bool IsContractOrHost(string reference) =>
        reference is "DKV.Core.csproj" or "DKV.Host.csproj";

    /// <summary>Project references that bring an assembly into the project (plugin copies with ReferenceOutputAssembly=false do not count).</summary>
    private static List<string> ProjectReferences(string projectPath) =>
        XDocument.Load(projectPath).Descendants("ProjectReference")
            .Where(e => !string.Equals((string?)e.Attribute("ReferenceOutputAssembly") ?? (string?)e.Element("ReferenceOutputAssembly"), "false", StringComparison.OrdinalIgnoreCase))
            .Select(e => Path.GetFileName(((string?)e.Attribute("Include") ?? string.Empty).Replace('\\', '/')))
            .ToList();

    private static bool IsBuildOutput(string path)
    {
        string normalized = path.Replace('\\', '/');
        return normalized.Contains("/bin/", StringComparison.Ordinal) || normalized.Contains("/obj/", StringComparison.Ordinal)
            || normalized.Contains("/node_modules/", StringComparison.Ordinal) || normalized.Contains("/BenchmarkDotNet.Artifacts/", StringComparison.Ordinal);
    }
}
