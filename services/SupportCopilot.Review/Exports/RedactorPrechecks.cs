namespace SupportCopilot.Review.Exports;

/// <summary>
/// Cheap scans run before each detector of <see cref="PiiRedactor"/>. Each is a <b>necessary</b>
/// condition of its pattern (it may say yes when the pattern will not match, never no when it
/// would), so skipping the regex on a "no" changes nothing in the output; it only saves the regex
/// engine's pass over the text, which is where redaction spends its time. Digits are Unicode
/// decimal digits, as <c>\d</c> is in .NET patterns. Tested in <c>RedactorPrechecksTests</c>.
/// </summary>
internal static class RedactorPrechecks
{
    /// <summary>
    /// Every provider-prefixed key holds <c>_</c> (<c>sk_live_</c>, <c>ghp_</c>, <c>github_pat_</c>) or
    /// starts with <c>sk-</c>, <c>xox</c>, <c>AKIA</c>, <c>AIza</c> or <c>eyJ</c> (case-sensitive pattern).
    /// </summary>
    public static bool MayHoldPrefixedSecret(string text) =>
        text.Contains('_', StringComparison.Ordinal)
        || text.Contains("sk-", StringComparison.Ordinal)
        || text.Contains("xox", StringComparison.Ordinal)
        || text.Contains("AKIA", StringComparison.Ordinal)
        || text.Contains("AIza", StringComparison.Ordinal)
        || text.Contains("eyJ", StringComparison.Ordinal);

    /// <summary>
    /// The keywords of <c>password: …</c>-style assignments, reduced to a part each of them holds:
    /// api (api key, apikey), access, auth, secret (client secret), passw (password, passwd), pwd, bearer.
    /// The pattern ignores case; so does this check (the test checks that no other character matches
    /// these letters under the pattern's case folding).
    /// </summary>
    public static bool MayHoldSecretKeyword(string text) =>
        text.Contains("api", StringComparison.OrdinalIgnoreCase)
        || text.Contains("access", StringComparison.OrdinalIgnoreCase)
        || text.Contains("auth", StringComparison.OrdinalIgnoreCase)
        || text.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || text.Contains("passw", StringComparison.OrdinalIgnoreCase)
        || text.Contains("pwd", StringComparison.OrdinalIgnoreCase)
        || text.Contains("bearer", StringComparison.OrdinalIgnoreCase);

    /// <summary>A run of at least <paramref name="length"/> ASCII letters, digits or underscores.</summary>
    public static bool HasWordRun(string text, int length)
    {
        var run = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                if (++run >= length)
                {
                    return true;
                }
            }
            else
            {
                run = 0;
            }
        }

        return false;
    }

    /// <summary>
    /// "at" in any case between two characters that are not letters or digits: every spelling the
    /// obfuscated-email pattern knows (<c>[at]</c>, <c>(at)</c>, <c>{at}</c>, <c> at </c>) has one.
    /// </summary>
    public static bool MayHoldObfuscatedAt(string text)
    {
        for (var i = 1; i + 2 < text.Length; i++)
        {
            if ((text[i] | 0x20) == 'a' && (text[i + 1] | 0x20) == 't'
                && !char.IsLetterOrDigit(text[i - 1]) && !char.IsLetterOrDigit(text[i + 2]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Two ASCII letters followed by two digits: how every IBAN starts.</summary>
    public static bool HasLettersThenDigits(string text)
    {
        for (var i = 2; i + 1 < text.Length; i++)
        {
            if (char.IsDigit(text[i]) && char.IsDigit(text[i + 1]) && char.IsAsciiLetter(text[i - 1]) && char.IsAsciiLetter(text[i - 2]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// At least <paramref name="digits"/> digits in one stretch of text made only of digits and
    /// <paramref name="separators"/>: a card (13 digits, spaces and dashes) or a phone number
    /// (6 digits, spaces, dots, dashes and brackets) cannot be shorter.
    /// </summary>
    public static bool HasDigitRun(string text, int digits, string separators)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsDigit(c))
            {
                if (++count >= digits)
                {
                    return true;
                }
            }
            else if (!separators.Contains(c, StringComparison.Ordinal))
            {
                count = 0;
            }
        }

        return false;
    }

    /// <summary>A digit, a dot and a digit: the least an IPv4 address holds.</summary>
    public static bool HasDigitDotDigit(string text)
    {
        for (var i = text.IndexOf('.', StringComparison.Ordinal); i >= 0; i = text.IndexOf('.', i + 1))
        {
            if (i > 0 && i + 1 < text.Length && char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A colon after a hex digit, or <c>::</c>: the least an IPv6 address holds.</summary>
    public static bool MayHoldIpv6(string text)
    {
        for (var i = text.IndexOf(':', StringComparison.Ordinal); i >= 0; i = text.IndexOf(':', i + 1))
        {
            if ((i > 0 && char.IsAsciiHexDigit(text[i - 1])) || (i + 1 < text.Length && text[i + 1] == ':'))
            {
                return true;
            }
        }

        return false;
    }
}
