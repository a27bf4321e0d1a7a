using Ganss.Xss;

namespace SupportCopilot.Review.Items;

/// <summary>
/// Ticket bodies come from customers through helpdesks and may be HTML. What reaches the page is
/// a short allow-list of formatting tags with no attributes but a checked link target: no
/// script, no event handler, no style, no image (which would also tell a sender the ticket was read).
/// </summary>
internal static class TicketHtml
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string Sanitize(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return Sanitizer.Sanitize(html);
    }

    private static HtmlSanitizer Create()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "blockquote", "pre", "code", "a", "div", "span",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "https", "http", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
        };
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
                link.SetAttribute("target", "_blank");
            }
        };
        return sanitizer;
    }
}
