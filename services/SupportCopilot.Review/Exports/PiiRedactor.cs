using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace SupportCopilot.Review.Exports;

/// <summary>The kinds of personal data the redactor replaces, each with its typed placeholder.</summary>
internal enum PiiKind
{
    Secret,
    Email,
    Iban,
    Card,
    Ip,
    Phone,
    Name,
}

/// <summary>
/// Replaces personal data with typed placeholders before anything leaves the Review database.
/// Detectors run in a fixed order, most specific first (a secret can hold digits that look like a
/// phone number, an IBAN holds digits that look like a card), and each later detector sees the
/// placeholders of the earlier ones instead of the data. Pattern matches are confirmed by a
/// checksum where the data has one (Luhn for cards, ISO 7064 mod 97 for IBANs, address parsing
/// for IPs), which is what keeps order numbers and versions from being eaten.
/// <para>It errs towards redacting: a leak in a data set uploaded to a third party cannot be
/// taken back; a false positive costs a training example a few words. The labelled corpus in the
/// tests measures both (docs/exports.md).</para>
/// </summary>
internal static partial class PiiRedactor
{
    public static string Placeholder(PiiKind kind) => kind switch
    {
        PiiKind.Secret => "[SECRET]",
        PiiKind.Email => "[EMAIL]",
        PiiKind.Iban => "[IBAN]",
        PiiKind.Card => "[CARD]",
        PiiKind.Ip => "[IP]",
        PiiKind.Phone => "[PHONE]",
        _ => "[NAME]",
    };

    /// <summary>Redacts <paramref name="text"/>; <paramref name="customerName"/> is the ticket's customer, whose name is replaced wherever it appears.</summary>
    public static string Redact(string? text, string? customerName = null, RedactionCounts? counts = null) =>
        Redact(text, customerName, counts, prechecks: true);

    /// <summary>The same, with every detector's regex run whatever the text: the reference the prechecks are tested against.</summary>
    internal static string RedactWithoutPrechecks(string? text, string? customerName = null, RedactionCounts? counts = null) =>
        Redact(text, customerName, counts, prechecks: false);

    private static string Redact(string? text, string? customerName, RedactionCounts? counts, bool prechecks)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        // Each detector runs only when a cheap scan says its pattern could match (the scans are
        // necessary conditions of the patterns, see RedactorPrechecks); the regex engine is the cost.
        // The character checks are made in one pass, made again only after a detector changed the
        // text, so each detector's check is always of the text it gets.
        var result = text;
        var may = prechecks ? RedactorPrechecks.Scan(result) : AllDetectors;
        if (!prechecks || RedactorPrechecks.MayHoldPrefixedSecret(result))
        {
            result = Rescanned(result, Replace(result, SecretPrefixed(), PiiKind.Secret, counts, IsPrefixedSecret), ref may, prechecks);
        }

        if (!prechecks || RedactorPrechecks.MayHoldSecretKeyword(result))
        {
            result = Rescanned(result, Replace(result, SecretAssignment(), PiiKind.Secret, counts, null, keepGroup: "key"), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.GenericSecret))
        {
            result = Rescanned(result, Replace(result, SecretGeneric(), PiiKind.Secret, counts, IsGenericSecret), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.Email))
        {
            result = Rescanned(result, Replace(result, Email(), PiiKind.Email, counts), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.ObfuscatedEmail))
        {
            result = Rescanned(result, Replace(result, ObfuscatedEmail(), PiiKind.Email, counts), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.Iban))
        {
            result = Rescanned(result, ReplaceSpan(result, Iban(), PiiKind.Iban, counts, IsIban), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.Card))
        {
            result = Rescanned(result, ReplaceSpan(result, Card(), PiiKind.Card, counts, IsCard), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.Ipv4))
        {
            result = Rescanned(result, Replace(result, Ipv4(), PiiKind.Ip, counts, IsIpv4), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.Ipv6))
        {
            result = Rescanned(result, Replace(result, Ipv6(), PiiKind.Ip, counts, IsIpv6), ref may, prechecks);
        }

        // An IPv4-mapped IPv6 address ("::ffff:192.0.2.128") lost its IPv4 part above; take the prefix too.
        if (may.HasFlag(Detectors.MappedIpv6))
        {
            result = Rescanned(result, MappedIpv6Prefix().Replace(result, "[IP]"), ref may, prechecks);
        }

        if (may.HasFlag(Detectors.Phone))
        {
            result = Replace(result, Phone(), PiiKind.Phone, counts, IsPhone);
        }

        result = RedactName(result, customerName, counts, prechecks);
        return result;
    }

    private const Detectors AllDetectors = (Detectors)(-1);

    // A detector that replaced something changed the text the later ones see: check that text again.
    private static string Rescanned(string before, string after, ref Detectors may, bool prechecks)
    {
        if (prechecks && !ReferenceEquals(before, after))
        {
            may = RedactorPrechecks.Scan(after);
        }

        return after;
    }

    /// <summary>Only the customer's name (for text already redacted of everything else).</summary>
    public static string RedactNameOnly(string text, string? customerName, RedactionCounts? counts = null) =>
        string.IsNullOrEmpty(text) ? text : RedactName(text, customerName, counts);

    private static string Replace(string text, Regex pattern, PiiKind kind, RedactionCounts? counts, Func<string, bool>? confirm = null, string? keepGroup = null)
    {
        if (keepGroup is not null)
        {
            return pattern.Replace(text, match =>
            {
                counts?.Add(kind);
                return match.Groups[keepGroup].Value + Placeholder(kind);
            });
        }

        // One pass over the matches (as Regex.Replace makes), without a Match object or a string per match.
        StringBuilder? result = null;
        var copied = 0;
        foreach (var match in pattern.EnumerateMatches(text))
        {
            if (confirm is not null && !confirm(text.Substring(match.Index, match.Length)))
            {
                continue;
            }

            result ??= RentBuilder(text.Length);
            result.Append(text, copied, match.Index - copied).Append(Placeholder(kind));
            counts?.Add(kind);
            copied = match.Index + match.Length;
        }

        return result is null ? text : Finish(result.Append(text, copied, text.Length - copied));
    }

    /// <summary>
    /// Like <see cref="Replace"/>, but when the whole match fails its checksum it tries the longest run of
    /// its space- or dash-separated groups that passes: a greedy pattern may have taken a neighbouring
    /// number ("4111 1111 1111 1111 12 times") or word ("BE68 5390 0754 7034 sent") with it.
    /// </summary>
    private static string ReplaceSpan(string text, Regex pattern, PiiKind kind, RedactionCounts? counts, Func<string, bool> confirm)
    {
        StringBuilder? result = null;
        var copied = 0;
        foreach (var match in pattern.EnumerateMatches(text))
        {
            var value = text.Substring(match.Index, match.Length);
            var replacement = SpanReplacement(value, kind, counts, confirm);
            if (ReferenceEquals(replacement, value))
            {
                continue;
            }

            result ??= RentBuilder(text.Length);
            result.Append(text, copied, match.Index - copied).Append(replacement);
            copied = match.Index + match.Length;
        }

        return result is null ? text : Finish(result.Append(text, copied, text.Length - copied));
    }

    /// <summary>The placeholder for <paramref name="value"/>, or for its longest run of groups that passes; <paramref name="value"/> itself when none does.</summary>
    private static string SpanReplacement(string value, PiiKind kind, RedactionCounts? counts, Func<string, bool> confirm)
    {
        if (confirm(value))
        {
            counts?.Add(kind);
            return Placeholder(kind);
        }

        var starts = new List<int> { 0 };
        var ends = new List<int>();
        for (var i = 1; i < value.Length; i++)
        {
            if (value[i] is ' ' or '-')
            {
                ends.Add(i);
                starts.Add(i + 1);
            }
        }

        ends.Add(value.Length);
        if (starts.Count == 1)
        {
            return value;
        }

        (int Start, int End)? best = null;
        foreach (var start in starts)
        {
            foreach (var end in ends)
            {
                if (end <= start || (best is { } b && end - start <= b.End - b.Start))
                {
                    continue;
                }

                if (confirm(value[start..end]))
                {
                    best = (start, end);
                }
            }
        }

        if (best is not { } span)
        {
            return value;
        }

        counts?.Add(kind);
        return value[..span.Start] + Placeholder(kind) + value[span.End..];
    }

    /// <summary>
    /// The customer's whole name in any case ("JANE DOE", "jane doe", "Jane  Doe"), then each part of it
    /// written as a name, capitalised ("Jane", "Doe"), so the common words some names also are ("will",
    /// "may", "rose") stay when written in lower case. A plain scan, not a regex: the name differs on
    /// every row, and compiling a pattern per row would cost more than the rest of the redaction.
    /// </summary>
    private static string RedactName(string text, string? customerName, RedactionCounts? counts, bool prechecks = true)
    {
        if (string.IsNullOrWhiteSpace(customerName))
        {
            return text;
        }

        var parts = NameParts(customerName);
        if (parts.Length == 0 || (prechecks && !ContainsAny(text, parts)))
        {
            return text;
        }

        StringBuilder? result = null;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsLetter(text[i]) || (i > 0 && char.IsLetterOrDigit(text[i - 1])))
            {
                continue;
            }

            var length = MatchWhole(text, i, parts);
            if (length == 0)
            {
                foreach (var part in parts)
                {
                    if (char.IsUpper(text[i]) && IsWordAt(text, i, part))
                    {
                        length = part.Length;
                        break;
                    }
                }
            }

            if (length > 0)
            {
                result ??= RentBuilder(text.Length);
                result.Append(text, copied, i - copied).Append("[NAME]");
                counts?.Add(PiiKind.Name);
                copied = i + length;
                i = copied - 1;
            }
        }

        return result is null ? text : Finish(result.Append(text, copied, text.Length - copied));
    }

    // Every match, whole name or part, starts where one part equals the text ignoring case, so a
    // text that holds no part anywhere (a passage, most subjects) needs no scan word by word.
    private static bool ContainsAny(string text, string[] parts)
    {
        foreach (var part in parts)
        {
            if (text.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Every replacement builds its result in one builder per thread, returned by Finish; only the
    // resulting string is allocated (an export redacts several texts on every row).
    [ThreadStatic]
    private static StringBuilder? _builder;

    private static StringBuilder RentBuilder(int capacity)
    {
        var builder = _builder ?? new StringBuilder(capacity);
        _builder = null;
        return builder;
    }

    private static string Finish(StringBuilder builder)
    {
        var text = builder.ToString();
        builder.Clear();
        if (builder.Capacity <= 64 * 1024)
        {
            _builder = builder;
        }

        return text;
    }

    // The same customer's name is redacted from five or six texts of a row: split it once.
    [ThreadStatic]
    private static (string Name, string[] Parts)? _lastName;

    private static string[] NameParts(string customerName)
    {
        if (_lastName is { } last && string.Equals(last.Name, customerName, StringComparison.Ordinal))
        {
            return last.Parts;
        }

        var parts = NamePartPattern().Matches(customerName).Select(m => m.Value.Trim('\'', '’', '-')).Where(p => p.Length >= 2).ToArray();
        _lastName = (customerName, parts);
        return parts;
    }

    private static int MatchWhole(string text, int start, string[] parts)
    {
        if (parts.Length < 2)
        {
            return 0;
        }

        var i = start;
        for (var p = 0; p < parts.Length; p++)
        {
            if (p > 0)
            {
                var gap = i;
                while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                if (i == gap)
                {
                    return 0;
                }
            }

            if (!IsWordAt(text, i, parts[p]))
            {
                return 0;
            }

            i += parts[p].Length;
        }

        return i - start;
    }

    private static bool IsWordAt(string text, int index, string word) =>
        index + word.Length <= text.Length
        && MayBeEqualIgnoringCase(text[index], word[0])
        && text.AsSpan(index, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase)
        && (index + word.Length == text.Length || !char.IsLetterOrDigit(text[index + word.Length]));

    // The name scan tries every word of a text against every part of the name: most first letters
    // differ, and two ASCII characters equal ignoring case only if they do with their case bit
    // cleared; anything else is left to the comparison.
    private static bool MayBeEqualIgnoringCase(char a, char b) =>
        !char.IsAscii(a) || !char.IsAscii(b) || (a | 0x20) == (b | 0x20);

    private static bool IsPrefixedSecret(string value) => value.Length >= 16;

    /// <summary>A long run of letters and digits with both in it: an API key, a token, a hash. Words and numbers are not.</summary>
    private static bool IsGenericSecret(string value)
    {
        int digits = 0, upper = 0, lower = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                upper++;
            }
            else if (char.IsAsciiLetterLower(c))
            {
                lower++;
            }
        }

        var letters = upper + lower;
        if (digits < 2 || letters < 2)
        {
            return false;
        }

        // Hex digests and keys of 32+ characters, or mixed-case tokens of 20+ with several digits.
        return value.Length >= 32 || (upper > 0 && lower > 0 && digits >= 3);
    }

    private static bool IsCard(string value)
    {
        Span<int> digits = stackalloc int[32];
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == digits.Length)
                {
                    return false;
                }

                digits[n++] = c - '0';
            }
        }

        if (n is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < n; i++)
        {
            var d = digits[n - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1.</summary>
    private static bool IsIban(string value)
    {
        var compact = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                compact.Append(char.ToUpperInvariant(c));
            }
        }

        if (compact.Length is < 15 or > 34)
        {
            return false;
        }

        var rearranged = compact.ToString(4, compact.Length - 4) + compact.ToString(0, 4);
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var v = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = v >= 10 ? ((remainder * 100) + v) % 97 : ((remainder * 10) + v) % 97;
        }

        return remainder == 1;
    }

    private static bool IsIpv4(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length <= 3 && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 255);
    }

    private static bool IsIpv6(string value) =>
        value.Count(c => c == ':') >= 2
        && IPAddress.TryParse(value, out var address)
        && address.AddressFamily == AddressFamily.InterNetworkV6
        && (value.Contains("::", StringComparison.Ordinal) || value.Count(c => c == ':') == 7 || value.Contains('.', StringComparison.Ordinal));

    private static bool IsPhone(string value)
    {
        var digits = value.Count(char.IsAsciiDigit);
        var international = value.StartsWith('+') || value.StartsWith("00", StringComparison.Ordinal);
        if (digits is < 7 or > 15)
        {
            return false;
        }

        if (IsoDate().IsMatch(value))
        {
            return false;
        }

        if (international)
        {
            return digits >= 8;
        }

        var separated = value.Any(c => c is ' ' or '-' or '.' or '(' or ')');
        if (!separated)
        {
            // A bare run of digits is an order or account number unless it is dialled like a phone number.
            return value.StartsWith('0') && digits is 10 or 11;
        }

        // Decimal numbers and amounts ("1.234.567", "12.50") are not phone numbers.
        if (!value.Contains(' ', StringComparison.Ordinal) && !value.Contains('-', StringComparison.Ordinal) && !value.Contains('(', StringComparison.Ordinal))
        {
            return value.Split('.').Length >= 3 && digits >= 9 && value.Split('.').All(g => g.Length is >= 2 and <= 4);
        }

        // A local number as dialled in North America ("555-0134"), or anything with an area code in brackets.
        return digits >= 9 || (digits >= 7 && value.Contains('(', StringComparison.Ordinal)) || LocalNumber().IsMatch(value);
    }

    // Provider prefixes: OpenAI/Anthropic sk-, GitHub ghp_/gho_/github_pat_, Slack xox?-, AWS AKIA, Google AIza, Stripe sk_live_/pk_live_/rk_live_, JWTs.
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPrefixed();

    // "password: hunter2", "api_key=abc", "Authorization: Bearer abc": the value goes, the key stays.
    [GeneratedRegex(@"(?<key>\b(?:api[_ -]?key|apikey|access[_ -]?token|auth[_ -]?token|secret(?:[_ -]?key)?|client[_ -]?secret|password|passwd|pwd|bearer)\b\s*(?:(?:is|=|:)\s*)?)(?!\[)(?<value>[""']?[^\s""',;]{6,}[""']?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretAssignment();

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-/.+=@])[A-Za-z0-9_]{20,}(?![A-Za-z0-9_\-/@])", RegexOptions.CultureInvariant)]
    private static partial Regex SecretGeneric();

    [GeneratedRegex(@"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // "jane [at] example [dot] com", "jane(at)example.com", "jane at example dot com"
    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+\s*(?:\[at\]|\(at\)|\{at\}|\s+at\s+)\s*[A-Za-z0-9-]+(?:\s*(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+|\.)\s*[A-Za-z0-9-]+)*\s*(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+|\.)\s*(?:com|net|org|io|co|de|fr|uk|nl|es|it|eu|info|biz|app|dev|me)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ObfuscatedEmail();

    [GeneratedRegex(@"\b[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]{4}){2,7}(?:[ -]?[A-Za-z0-9]{1,3})?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Iban();

    [GeneratedRegex(@"(?<![\d.,])\d(?:[ -]?\d){12,18}(?![\d]|[.,]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Card();

    [GeneratedRegex(@"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4}(?:\.\d{1,3}){0,3})(?:%[A-Za-z0-9]+)?(?![\w:])|(?<![\w:])::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6();

    [GeneratedRegex(@"(?<![\w+.\-/])(?:\+|00)?(?:\(\d{1,5}\)|\d)(?:[ .\-]?(?:\(\d{1,5}\)|\d)){5,17}(?![\w]|[.\-/]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,6}\[IP\]", RegexOptions.CultureInvariant)]
    private static partial Regex MappedIpv6Prefix();

    [GeneratedRegex(@"^\d{3}-\d{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalNumber();

    [GeneratedRegex(@"[\p{L}\p{M}'’-]+", RegexOptions.CultureInvariant)]
    private static partial Regex NamePartPattern();
}

/// <summary>How many of each kind the redactor replaced; one per export, for the manifest.</summary>
internal sealed class RedactionCounts
{
    private readonly long[] _counts = new long[Enum.GetValues<PiiKind>().Length];

    public void Add(PiiKind kind) => _counts[(int)kind]++;

    /// <summary>Adds another tally (a worker's, a passage's) to this one.</summary>
    public void Add(RedactionCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
    }

    public long this[PiiKind kind] => _counts[(int)kind];

    public void Clear() => Array.Clear(_counts);

    public IReadOnlyDictionary<string, long> ToDictionary() =>
        Enum.GetValues<PiiKind>().ToDictionary(k => PiiRedactor.Placeholder(k).Trim('[', ']').ToLowerInvariant(), k => _counts[(int)k]);
}
