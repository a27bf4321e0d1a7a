using System.Globalization;
using FluentValidation;
using Microsoft.Extensions.Options;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Review.Exports;

/// <summary>
/// <c>GET /api/review/exports/{format}</c> streams a data set (the rows <c>copilot export</c> writes,
/// byte for byte); <c>GET /api/review/exports/{format}/manifest</c> runs the same export without
/// sending the rows and returns its manifest, whose SHA-256 matches a download of the same query.
/// Query: since, until (ISO 8601), connector, category, brand, decision, minEditDistance, split (0–1) with
/// part=train|validation, redact=false (logged), maxTokens, pricePerMillion, epochs.
/// </summary>
internal static class ExportEndpoints
{
    public static IServiceCollection AddExports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<CorrectionExporter>();
        return services;
    }

    public static void MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        // Exports hand out every ticket and answer: ops and admins only.
        app.MapGet("/api/review/exports/{format}", ExportAsync).RequireAuthorization(AuthPolicies.Ops);
        app.MapGet("/api/review/exports/{format}/manifest", ManifestAsync).RequireAuthorization(AuthPolicies.Ops);
    }

    private static async Task<IResult> ExportAsync(
        string format, HttpContext http, CorrectionExporter exporter, CancellationToken cancellationToken)
    {
        var (request, part, problem) = await ReadAsync(format, http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var name = ExportFormats.Name(request!.Format) + (part == ExportPart.All ? string.Empty : "." + part.ToString().ToLowerInvariant()) + ExportFormats.Extension(request.Format);
        var contentType = request.Format == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
        return Results.Stream(
            async body => await exporter.ExportAsync(
                request,
                p => (name, p == part ? body : Stream.Null),
                progress: null,
                http.RequestAborted),
            contentType,
            fileDownloadName: name);
    }

    private static async Task<IResult> ManifestAsync(
        string format, HttpContext http, CorrectionExporter exporter, CancellationToken cancellationToken)
    {
        var (request, _, problem) = await ReadAsync(format, http, cancellationToken, manifest: true);
        if (problem is not null)
        {
            return problem;
        }

        var manifest = await exporter.ExportAsync(
            request!,
            p => (ExportFormats.Name(request!.Format) + (p == ExportPart.All ? string.Empty : "." + p.ToString().ToLowerInvariant()) + ExportFormats.Extension(request.Format), Stream.Null),
            progress: null,
            cancellationToken);
        return Results.Json(manifest, ExportManifest.Json);
    }

    private static async Task<(ExportRequest? Request, ExportPart Part, IResult? Problem)> ReadAsync(
        string format, HttpContext http, CancellationToken cancellationToken, bool manifest = false)
    {
        var q = http.Request.Query;
        var query = new ExportQuery(
            format, q["since"], q["until"], q["connector"], q["decision"], q["minEditDistance"], q["split"], q["part"], q["redact"],
            q["maxTokens"], q["pricePerMillion"], q["epochs"], q["category"], q["brand"]);
        var validation = await new ExportQueryValidator(manifest).ValidateAsync(query, cancellationToken);
        if (!validation.IsValid)
        {
            return (null, default, ValidationProblems.From(validation));
        }

        ExportFormats.TryParse(format, out var exportFormat);
        var defaults = new ExportRequest { Format = exportFormat };
        var request = defaults with
        {
            Filter = new ExportFilter
            {
                Since = ExportQuery.Date(query.Since),
                Until = ExportQuery.Date(query.Until),
                Connector = ExportQuery.Text(query.Connector),
                Decision = ExportQuery.Text(query.Decision)?.ToLowerInvariant(),
                MinEditDistance = ExportQuery.Int(query.MinEditDistance),
                Category = ExportQuery.Text(query.Category),
                Brand = ExportQuery.Text(query.Brand),
            },
            Split = ExportQuery.Double(query.Split),
            Redact = !string.Equals(query.Redact, "false", StringComparison.OrdinalIgnoreCase),
            MaxTokensPerRow = ExportQuery.Int(query.MaxTokens) ?? defaults.MaxTokensPerRow,
            PricePerMillionTrainingTokens = ExportQuery.Decimal(query.PricePerMillion) ?? defaults.PricePerMillionTrainingTokens,
            Epochs = ExportQuery.Int(query.Epochs) ?? defaults.Epochs,
            RequestedBy = "http " + http.Connection.RemoteIpAddress,
        };
        var part = request.Split is null
            ? ExportPart.All
            : string.Equals(query.Part, "validation", StringComparison.OrdinalIgnoreCase) ? ExportPart.Validation : ExportPart.Train;
        return (request, part, null);
    }
}

/// <summary>The export query as sent, every value still text, so each bad one is named in the problem.</summary>
internal sealed record ExportQuery(
    string Format,
    string? Since,
    string? Until,
    string? Connector,
    string? Decision,
    string? MinEditDistance,
    string? Split,
    string? Part,
    string? Redact,
    string? MaxTokens,
    string? PricePerMillion,
    string? Epochs,
    string? Category = null,
    string? Brand = null)
{
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static DateTimeOffset? Date(string? value) =>
        Text(value) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    public static int? Int(string? value) =>
        Text(value) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static double? Double(string? value) =>
        Text(value) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static decimal? Decimal(string? value) =>
        Text(value) is { } text && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n : null;
}

internal sealed class ExportQueryValidator : AbstractValidator<ExportQuery>
{
    public ExportQueryValidator(bool manifest)
    {
        RuleFor(q => q.Format).Must(f => ExportFormats.TryParse(f, out _)).WithMessage("Format must be one of: sft, dpo, eval, csv.");
        RuleFor(q => q.Since).Must(v => ExportQuery.Text(v) is null || ExportQuery.Date(v) is not null).WithMessage("Since must be an ISO 8601 date or instant.");
        RuleFor(q => q.Until).Must(v => ExportQuery.Text(v) is null || ExportQuery.Date(v) is not null).WithMessage("Until must be an ISO 8601 date or instant.");
        RuleFor(q => q.Decision)
            .Must(v => ExportQuery.Text(v) is null || ReviewDecision.All.Contains(ExportQuery.Text(v)!.ToLowerInvariant()))
            .WithMessage("Decision must be one of: approved, edited, rejected.");
        RuleFor(q => q.MinEditDistance).Must(v => ExportQuery.Text(v) is null || ExportQuery.Int(v) is >= 0).WithMessage("MinEditDistance must be a whole number, 0 or more.");
        RuleFor(q => q.Split).Must(v => ExportQuery.Text(v) is null || ExportQuery.Double(v) is > 0 and < 1).WithMessage("Split must be a number between 0 and 1, e.g. 0.9.");
        RuleFor(q => q.Part)
            .Must(v => v is "train" or "validation")
            .When(q => !manifest && ExportQuery.Text(q.Split) is not null)
            .WithMessage("With a split, say which file to download: part=train or part=validation.");
        RuleFor(q => q.Part).Must(v => ExportQuery.Text(v) is null).When(q => ExportQuery.Text(q.Split) is null).WithMessage("Part needs a split.");
        RuleFor(q => q.Redact).Must(v => ExportQuery.Text(v) is null or "true" or "false").WithMessage("Redact must be true or false.");
        RuleFor(q => q.MaxTokens).Must(v => ExportQuery.Text(v) is null || ExportQuery.Int(v) is > 0).WithMessage("MaxTokens must be a positive whole number.");
        RuleFor(q => q.PricePerMillion).Must(v => ExportQuery.Text(v) is null || ExportQuery.Decimal(v) is >= 0).WithMessage("PricePerMillion must be a number, 0 or more.");
        RuleFor(q => q.Epochs).Must(v => ExportQuery.Text(v) is null || ExportQuery.Int(v) is > 0).WithMessage("Epochs must be a positive whole number.");
        RuleFor(q => q.Category).MaximumLength(100);
        RuleFor(q => q.Brand).MaximumLength(100);
    }
}
