namespace SupportCopilot.Review.Exports;

/// <summary>
/// An export to files: <c>--out data.jsonl</c> writes <c>data.jsonl</c>, or with a split
/// <c>data.train.jsonl</c> and <c>data.validation.jsonl</c>, and always <c>data.manifest.json</c>
/// beside them. An export that fails the format's rules (too few training examples) leaves no
/// data file behind, only the manifest saying why.
/// </summary>
internal static class ExportFiles
{
    public static string PathOf(string output, ExportPart part)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        return part switch
        {
            ExportPart.Train => Stem(output) + ".train" + Extension(output),
            ExportPart.Validation => Stem(output) + ".validation" + Extension(output),
            _ => Path.GetFullPath(output),
        };
    }

    public static string ManifestPath(string output) => Stem(output) + ".manifest.json";

    public static async Task<ExportManifest> ExportAsync(
        CorrectionExporter exporter,
        ExportRequest request,
        string output,
        Action<ExportProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        ArgumentNullException.ThrowIfNull(request);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var streams = new List<(string Path, FileStream Stream)>();
        ExportManifest manifest;
        try
        {
            manifest = await exporter.ExportAsync(
                request,
                part =>
                {
                    var path = PathOf(output, part);
                    // No buffer of its own: the writer hands over 1 MiB blocks.
                    var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0, useAsync: true);
                    streams.Add((path, stream));
                    return (Path.GetFileName(path), stream);
                },
                progress,
                cancellationToken,
                ExportPartWriter.FileBlockBytes);
        }
        catch
        {
            await CloseAsync(streams, delete: true);
            throw;
        }

        await CloseAsync(streams, delete: !manifest.Valid);
        if (!manifest.Valid)
        {
            manifest = manifest with { Errors = [.. manifest.Errors, "No data file was kept; the manifest describes what would have been written."] };
        }

        await File.WriteAllTextAsync(ManifestPath(output), manifest.ToJson(), cancellationToken);
        return manifest;
    }

    private static async Task CloseAsync(List<(string Path, FileStream Stream)> streams, bool delete)
    {
        foreach (var (path, stream) in streams)
        {
            await stream.DisposeAsync();
            if (delete)
            {
                File.Delete(path);
            }
        }
    }

    private static string Stem(string output)
    {
        var full = Path.GetFullPath(output);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full));
    }

    private static string Extension(string output) => Path.GetExtension(output) is { Length: > 0 } extension ? extension : ".jsonl";
}
