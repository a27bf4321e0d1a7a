using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace SupportCopilot.Review.Assets;

/// <summary>
/// Serves the review UI's stylesheet from the assembly. Static web assets (wwwroot) would not
/// reach a host that references this project, such as the standalone one.
/// </summary>
internal static class StylesheetEndpoint
{
    public const string Path = "/review/assets/review.css";

    private static readonly Lazy<(byte[] Content, string ETag)> Stylesheet = new(Load);

    public static void MapStylesheet(this IEndpointRouteBuilder app) => app.MapGet(Path, Serve).ExcludeFromDescription();

    /// <summary>The URL pages link to; the version query changes whenever the stylesheet does.</summary>
    public static string Url => Path + "?v=" + Stylesheet.Value.ETag.Trim('"');

    private static IResult Serve(HttpContext context)
    {
        var (content, etag) = Stylesheet.Value;
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = new EntityTagHeaderValue(etag);
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(365) };
        if (context.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(content, "text/css; charset=utf-8");
    }

    private static (byte[], string) Load()
    {
        using var stream = typeof(StylesheetEndpoint).Assembly.GetManifestResourceStream("SupportCopilot.Review.review.css")
            ?? throw new InvalidOperationException("The review stylesheet is not embedded in the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return (content, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
    }
}
