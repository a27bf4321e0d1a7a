using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportCopilot.Review.Exports;

/// <summary>
/// Written beside every export (<c>&lt;name&gt;.manifest.json</c>) and served by the manifest
/// endpoint: what was exported, how, what was left out and why, and the SHA-256 of each file.
/// Field by field in docs/exports.md.
/// </summary>
internal sealed record ExportManifest(
    string Format,
    DateTimeOffset CreatedAt,
    string PromptVersion,
    ManifestFilters Filters,
    ManifestRedaction Redaction,
    ManifestSplit? Split,
    ManifestCounts Counts,
    ManifestTokens Tokens,
    ManifestCost? EstimatedTrainingCost,
    IReadOnlyList<ManifestFile> Files,
    IReadOnlyList<string> Drafters,
    IReadOnlyList<string> PolicyVersions,
    double ElapsedSeconds,
    bool Valid,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";
}

internal sealed record ManifestFilters(
    DateTimeOffset? Since, DateTimeOffset? Until, string? Connector, string? Decision, int? MinEditDistance, string? Category, string? Brand);

/// <summary>Whether redaction ran, and how many placeholders of each kind it wrote.</summary>
internal sealed record ManifestRedaction(bool Enabled, IReadOnlyDictionary<string, long> Replaced);

internal sealed record ManifestSplit(double Train, string Method);

/// <summary><see cref="Read"/> corrections matched the filters; <see cref="Written"/> became rows; the rest are in <see cref="Skipped"/> by reason.</summary>
internal sealed record ManifestCounts(long Read, long Written, long Train, long Validation, IReadOnlyDictionary<string, long> Skipped);

internal sealed record ManifestTokens(string Encoding, int MaxPerRow, long Total, long Train, long Validation, long LargestRow);

internal sealed record ManifestCost(decimal PricePerMillionTrainingTokens, int Epochs, long BilledTokens, decimal Estimate, string Currency, string Method);

/// <summary>One file of the export: its part (all, train, validation), name, rows, size, tokens and SHA-256.</summary>
internal sealed record ManifestFile(string Part, string Name, long Rows, long Bytes, long Tokens, string Sha256);
