using System.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace SupportCopilot.Drafting.Tests;

/// <summary>PDFs made on the spot: text pages, an encrypted one and a damaged one.</summary>
internal static class TestPdfs
{
    public static byte[] WithPages(params string[][] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(595, 842);
            var y = 800.0;
            foreach (var line in lines)
            {
                page.AddText(line, 11, new PdfPoint(40, y), font);
                y -= 16;
            }
        }

        return builder.Build();
    }

    /// <summary>A valid PDF whose trailer says it is encrypted with a password nobody gave us.</summary>
    public static byte[] Encrypted()
    {
        var text = Encoding.Latin1.GetString(WithPages(["Secret plans."]));
        var trailer = text.LastIndexOf("trailer", StringComparison.Ordinal);
        var open = text.IndexOf("<<", trailer, StringComparison.Ordinal);
        const string encrypt =
            "/Encrypt << /Filter /Standard /V 1 /R 2 /P -44 "
            + "/O <0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF> "
            + "/U <FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210> >> "
            + "/ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>] ";
        return Encoding.Latin1.GetBytes(text[..(open + 2)] + encrypt + text[(open + 2)..]);
    }

    /// <summary>The first half of a PDF: a header and then nothing usable.</summary>
    public static byte[] Truncated()
    {
        var whole = WithPages(["Half a document."]);
        return whole[..(whole.Length / 3)];
    }
}
