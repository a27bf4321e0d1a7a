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
    /// The character-by-character checks of the detectors below, all in one pass over
    /// <paramref name="text"/>: each flag is set exactly when its check
    /// (<see cref="HasWordRun"/> of 20, <c>@</c>, <see cref="MayHoldObfuscatedAt"/>,
    /// <see cref="HasLettersThenDigits"/>, <see cref="HasDigitRun"/> of 13 over <c>- </c> and of 6 over
    /// <c> .-()</c>, <see cref="HasDigitDotDigit"/>, <see cref="MayHoldIpv6"/>, <c>[IP]</c>) says yes
    /// (a test compares them). One pass instead of nine, and no look-up per character of a
    /// separator list.
    /// </summary>
    public static Detectors Scan(string text)
    {
        var found = Detectors.None;
        int wordRun = 0, cardDigits = 0, phoneDigits = 0;
        var length = text.Length;
        for (var i = 0; i < length; i++)
        {
            var c = text[i];

            // Most characters are lower-case letters and spaces; what the general case below does
            // with them, in short ('a' can start "at", so it takes the long way).
            if ((uint)(c - 'b') <= 'z' - 'b')
            {
                if (++wordRun >= 20)
                {
                    found |= Detectors.GenericSecret;
                }

                cardDigits = 0;
                phoneDigits = 0;
                continue;
            }

            if (c == ' ')
            {
                wordRun = 0;
                continue;
            }

            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                if (++wordRun >= 20)
                {
                    found |= Detectors.GenericSecret;
                }
            }
            else
            {
                wordRun = 0;
            }

            if (char.IsDigit(c))
            {
                if (++cardDigits >= 13)
                {
                    found |= Detectors.Card;
                }

                if (++phoneDigits >= 6)
                {
                    found |= Detectors.Phone;
                }

                if (i >= 2 && i + 1 < length && char.IsDigit(text[i + 1]) && char.IsAsciiLetter(text[i - 1]) && char.IsAsciiLetter(text[i - 2]))
                {
                    found |= Detectors.Iban;
                }

                continue;
            }

            if (c is not ('-' or ' '))
            {
                cardDigits = 0;
            }

            if (c is not (' ' or '.' or '-' or '(' or ')'))
            {
                phoneDigits = 0;
            }

            switch (c)
            {
                case 'a' or 'A':
                    if (i >= 1 && i + 2 < length && (text[i + 1] | 0x20) == 't' && !char.IsLetterOrDigit(text[i - 1]) && !char.IsLetterOrDigit(text[i + 2]))
                    {
                        found |= Detectors.ObfuscatedEmail;
                    }

                    break;
                case '@':
                    found |= Detectors.Email;
                    break;
                case '.':
                    if (i > 0 && i + 1 < length && char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1]))
                    {
                        found |= Detectors.Ipv4;
                    }

                    break;
                case ':':
                    if ((i > 0 && char.IsAsciiHexDigit(text[i - 1])) || (i + 1 < length && text[i + 1] == ':'))
                    {
                        found |= Detectors.Ipv6;
                    }

                    break;
                case '[':
                    if (text.AsSpan(i).StartsWith("[IP]", StringComparison.Ordinal))
                    {
                        found |= Detectors.MappedIpv6;
                    }

                    break;
            }
        }

        return found;
    }

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

/// <summary>The detectors whose character checks <see cref="RedactorPrechecks.Scan"/> makes in one pass.</summary>
[Flags]
internal enum Detectors
{
    None = 0,
    GenericSecret = 1,
    Email = 2,
    ObfuscatedEmail = 4,
    Iban = 8,
    Card = 16,
    Ipv4 = 32,
    Ipv6 = 64,
    MappedIpv6 = 128,
    Phone = 256,
}
