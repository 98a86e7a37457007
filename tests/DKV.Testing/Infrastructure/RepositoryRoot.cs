namespace DKV.Testing.Infrastructure;

/// <summary>Finds the repository root (the folder holding DKV.slnx) from the test's working directory.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DKV.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no DKV.slnx above {AppContext.BaseDirectory}");
    }
}
