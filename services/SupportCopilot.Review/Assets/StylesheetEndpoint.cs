using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace SupportCopilot.Review.Assets;

/// <summary>
/// Serves the review UI's stylesheet and script from the assembly. Static web assets (wwwroot)
/// would not reach a host that references this project, such as the standalone one. The script
/// is a file, never inline, so the pages' Content-Security-Policy can forbid inline scripts.
/// </summary>
internal static class StylesheetEndpoint
{
    public const string Path = "/review/assets/review.css";
    public const string ScriptPath = "/review/assets/review.js";

    private static readonly Lazy<(byte[] Content, string ETag)> Stylesheet = new(() => Load("SupportCopilot.Review.review.css"));
    private static readonly Lazy<(byte[] Content, string ETag)> Script = new(() => Load("SupportCopilot.Review.review.js"));

    public static void MapStylesheet(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, context => Serve(context, Stylesheet.Value, "text/css; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet(ScriptPath, context => Serve(context, Script.Value, "text/javascript; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
    }

    /// <summary>The URL pages link to; the version query changes whenever the stylesheet does.</summary>
    public static string Url => Path + "?v=" + Stylesheet.Value.ETag.Trim('"');

    public static string ScriptUrl => ScriptPath + "?v=" + Script.Value.ETag.Trim('"');

    private static async Task Serve(HttpContext context, (byte[] Content, string ETag) asset, string contentType)
    {
        var (content, etag) = asset;
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = new EntityTagHeaderValue(etag);
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(365) };
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.Contains(etag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(content, context.RequestAborted);
    }

    private static (byte[], string) Load(string name)
    {
        using var stream = typeof(StylesheetEndpoint).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return (content, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
    }
}
