using SupportCopilot.Contracts.Prompts;
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using SupportCopilot.Contracts;

namespace SupportCopilot.Review.Exports;

/// <summary>The data-set formats the exporter writes.</summary>
internal enum ExportFormat
{
    /// <summary>Chat fine-tuning JSONL: <c>{"messages":[system, user, assistant]}</c>.</summary>
    Sft,

    /// <summary>Preference fine-tuning JSONL: input, preferred and non-preferred output.</summary>
    Dpo,

    /// <summary>Evaluation JSONL: messages up to the user turn, the reference answer and metadata.</summary>
    Eval,

    /// <summary>A flat RFC 4180 table for analysts.</summary>
    Csv,
}

internal static class ExportFormats
{
    public static string Name(ExportFormat format) => format.ToString().ToLowerInvariant();

    public static string Extension(ExportFormat format) => format == ExportFormat.Csv ? ".csv" : ".jsonl";

    public static bool TryParse(string? value, out ExportFormat format)
    {
        foreach (var candidate in Enum.GetValues<ExportFormat>())
        {
            if (string.Equals(value, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }

        format = default;
        return false;
    }
}

/// <summary>Pure helpers of the exporter: split, dedup key, edit distance, token counts.</summary>
internal static class ExportText
{
    /// <summary>
    /// Where a ticket lands: the first 8 bytes of SHA-256 over its id (lower-case, hyphenated, UTF-8)
    /// read as a big-endian fraction of 2^64; below <paramref name="trainShare"/> is train. It depends
    /// on the ticket id alone, so every draft of one ticket lands on the same side, on every run,
    /// with any tool that implements this sentence.
    /// </summary>
    public static bool IsTrain(Guid ticketId, double trainShare)
    {
        Span<byte> id = stackalloc byte[36];
        ticketId.TryFormat(id, out _, "D");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(id, hash);
        var fraction = BinaryPrimitives.ReadUInt64BigEndian(hash) / 18446744073709551616.0;
        return fraction < trainShare;
    }

    /// <summary>
    /// A hash of the ticket's text as a person would read it: lower case, every run of characters
    /// that are not letters or digits collapsed to one space, so that whitespace, punctuation and
    /// case do not make two copies of one ticket look different. FNV-1a, 64 bits.
    /// </summary>
    public static ulong NormalizedHash(string subject, string body)
    {
        var hash = 14695981039346656037UL;
        var pendingSpace = false;
        var any = false;
        foreach (var text in (ReadOnlySpan<string>)[subject, "\n", body])
        {
            foreach (var c in text)
            {
                if (char.IsLetterOrDigit(c))
                {
                    if (pendingSpace && any)
                    {
                        hash = (hash ^ ' ') * 1099511628211UL;
                    }

                    pendingSpace = false;
                    any = true;
                    hash = (hash ^ char.ToLowerInvariant(c)) * 1099511628211UL;
                }
                else
                {
                    pendingSpace = true;
                }
            }
        }

        return hash;
    }

    /// <summary>Levenshtein distance, but stops counting at <paramref name="cap"/> (a banded computation, O(cap × length)).</summary>
    public static int EditDistance(string a, string b, int cap)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (cap <= 0)
        {
            return 0;
        }

        if (Math.Abs(a.Length - b.Length) >= cap)
        {
            return cap;
        }

        if (a.Length > b.Length)
        {
            (a, b) = (b, a);
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var from = Math.Max(1, i - cap);
            var to = Math.Min(b.Length, i + cap);
            current[0] = i;
            if (from > 1)
            {
                current[from - 1] = cap;
            }

            var rowMin = from == 1 ? i : cap;
            for (var j = from; j <= to; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                value = Math.Min(value, cap);
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (to < b.Length)
            {
                current[to + 1] = cap;
            }

            if (rowMin >= cap)
            {
                return cap;
            }

            (previous, current) = (current, previous);
        }

        return Math.Min(previous[b.Length], cap);
    }
}

/// <summary>
/// Token counts with the o200k_base encoding (GPT-4o and later; Microsoft.ML.Tokenizers). A chat
/// message costs its content's tokens plus 3 for its role framing, a conversation 3 more to prime
/// the reply: the accounting OpenAI documents for chat models.
/// </summary>
internal static partial class ExportTokens
{
    public const string Encoding = "o200k_base";

    // Pieces longer than this are rare (long numbers are cut into threes, words are short) and not cached.
    private const int CachedPieceLength = 32;
    private const int CachedPieces = 16_384;

    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding(Encoding));

    // Each export worker's token counts of the pre-tokenizer's pieces. The tokenizer has a cache of
    // its own, but behind one lock for all workers, and it looks every piece up in its
    // 200,000-entry vocabulary first; a small dictionary per worker answers the common pieces
    // without either. It flows with the worker (not the thread), so it is garbage once the export
    // ends instead of staying on every thread-pool thread that ever ran a worker.
    private static readonly AsyncLocal<Dictionary<string, int>?> PieceCounts = new();

    /// <summary>Gives the calling flow (an export worker) a cache of piece counts of its own, which goes with it.</summary>
    public static void UsePieceCache() => PieceCounts.Value = new Dictionary<string, int>(CachedPieces);

    public static int Count(string text) => string.IsNullOrEmpty(text) ? 0 : Count(text.AsSpan());

    /// <summary>
    /// The o200k count of <paramref name="text"/>, as <see cref="Tokenizer.CountTokens(ReadOnlySpan{char}, bool, bool)"/>
    /// gives it, computed as the tokenizer computes it: the pre-tokenizer's pattern cuts the text into
    /// pieces, and the count is the sum of each piece's count. The pieces are found in one pass over
    /// the text (the tokenizer restarts its pattern after every piece, which gives the same pieces as
    /// the pattern has no look-behind), each piece's count is the tokenizer's own, asked once per
    /// worker (<see cref="UsePieceCache"/>; without one, the tokenizer counts the text whole). A
    /// text that may hold a special token (<c>&lt;|endoftext|&gt;</c>) goes to the tokenizer whole,
    /// since it cuts those out first. A test compares both on awkward texts.
    /// </summary>
    public static int Count(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        if (PieceCounts.Value is not { } cache || text.Contains("<|", StringComparison.Ordinal))
        {
            return Tokenizer.Value.CountTokens(text);
        }

        var counts = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        var total = 0;
        if (!text.ContainsAnyExcept(PlainAscii))
        {
            for (var start = 0; start < text.Length;)
            {
                var end = PlainAsciiPieceEnd(text, start);
                total += PieceCount(counts, text[start..end]);
                start = end;
            }

            return total;
        }

        foreach (var match in PreTokenizer().EnumerateMatches(text))
        {
            total += PieceCount(counts, text.Slice(match.Index, match.Length));
        }

        return total;
    }

    private static int PieceCount(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> counts, ReadOnlySpan<char> piece)
    {
        if (counts.TryGetValue(piece, out var count))
        {
            return count;
        }

        count = Tokenizer.Value.CountTokens(piece, considerPreTokenization: false, considerNormalization: false);
        if (piece.Length <= CachedPieceLength)
        {
            if (counts.Dictionary.Count >= CachedPieces)
            {
                counts.Dictionary.Clear();
            }

            counts[piece] = count;
        }

        return count;
    }

    /// <summary>Printable ASCII, tab, CR and LF: where <see cref="PlainAsciiPieceEnd"/> stands in for the pattern.</summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create("\t\n\r !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>
    /// Where the pre-tokenizer's piece that starts at <paramref name="start"/> ends, for a text of
    /// <see cref="PlainAscii"/> only, without the regex engine (most tickets and answers are such
    /// texts). On those characters the pattern's classes are plain: letters are A-Z and a-z (no
    /// title-case, modifier or other letters, no marks), digits 0-9, whitespace tab, CR, LF and
    /// space, everything else punctuation; every character starts a piece, so pieces follow each
    /// other. Its alternatives, tried in order as the pattern tries them:
    /// <list type="number">
    /// <item>(1, 2) one optional character that is not CR, LF, a letter or a digit, then upper-case
    /// letters and lower-case ones (the first alternative takes upper* lower+, the second upper+
    /// lower*, so together: the upper-case run, then the lower-case run), then an optional
    /// <c>'s 't 're 've 'm 'll 'd</c> in any case;</item>
    /// <item>(3) one to three digits;</item>
    /// <item>(4) an optional space, a run of punctuation, then any CR, LF and <c>/</c>;</item>
    /// <item>(5) a whitespace run up to and including its last CR or LF, if it has one;</item>
    /// <item>(6) else a whitespace run at the end of the text whole, or all of it but its last
    /// character (which goes with what follows);</item>
    /// <item>(7) else the single whitespace character.</item>
    /// </list>
    /// A test compares the pieces with the pattern's on random texts of these characters.
    /// </summary>
    internal static int PlainAsciiPieceEnd(ReadOnlySpan<char> text, int start)
    {
        var c = text[start];
        var letters = char.IsAsciiLetter(c) ? start : start + 1;
        if (letters < text.Length && char.IsAsciiLetter(text[letters]) && (letters == start || (!char.IsAsciiDigit(c) && c is not ('\r' or '\n'))))
        {
            var end = letters;
            while (end < text.Length && char.IsAsciiLetterUpper(text[end]))
            {
                end++;
            }

            while (end < text.Length && char.IsAsciiLetterLower(text[end]))
            {
                end++;
            }

            return end + Contraction(text[end..]);
        }

        if (char.IsAsciiDigit(c))
        {
            var end = start + 1;
            while (end < text.Length && end - start < 3 && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            return end;
        }

        var punctuation = c == ' ' ? start + 1 : start;
        if (punctuation < text.Length && IsPunctuation(text[punctuation]))
        {
            var end = punctuation + 1;
            while (end < text.Length && IsPunctuation(text[end]))
            {
                end++;
            }

            while (end < text.Length && text[end] is '\r' or '\n' or '/')
            {
                end++;
            }

            return end;
        }

        // Whitespace: c is tab, CR, LF or space.
        var runEnd = start + 1;
        var lastNewline = c is '\r' or '\n' ? start : -1;
        while (runEnd < text.Length && text[runEnd] is '\t' or '\n' or '\r' or ' ')
        {
            if (text[runEnd] is '\r' or '\n')
            {
                lastNewline = runEnd;
            }

            runEnd++;
        }

        if (lastNewline >= 0)
        {
            return lastNewline + 1;
        }

        if (runEnd == text.Length)
        {
            return runEnd;
        }

        return runEnd - start >= 2 ? runEnd - 1 : runEnd;
    }

    private static bool IsPunctuation(char c) => !char.IsAsciiLetterOrDigit(c) && c is not ('\t' or '\n' or '\r' or ' ');

    // 's 't 're 've 'm 'll 'd in any case, or nothing.
    private static int Contraction(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[0] != '\'')
        {
            return 0;
        }

        var first = (char)(text[1] | 0x20);
        if (first is 's' or 't' or 'm' or 'd')
        {
            return 2;
        }

        if (text.Length >= 3)
        {
            var second = (char)(text[2] | 0x20);
            if ((first, second) is ('r', 'e') or ('v', 'e') or ('l', 'l'))
            {
                return 3;
            }
        }

        return 0;
    }

    /// <summary>The pattern's pieces of <paramref name="text"/> (end offsets), the reference <see cref="PlainAsciiPieceEnd"/> is tested against.</summary>
    internal static List<int> PieceEndsByPattern(string text)
    {
        var ends = new List<int>();
        foreach (var match in PreTokenizer().EnumerateMatches(text))
        {
            ends.Add(match.Index + match.Length);
        }

        return ends;
    }

    /// <summary>The tokenizer's own count, the reference <see cref="Count(ReadOnlySpan{char})"/> is tested against.</summary>
    internal static int CountByTokenizer(string text) => string.IsNullOrEmpty(text) ? 0 : Tokenizer.Value.CountTokens(text);

    // o200k_base's pre-tokenizing pattern, as Microsoft.ML.Tokenizers (and tiktoken) define it.
    [GeneratedRegex(@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex PreTokenizer();

    public static int Message(string content) => 3 + Count(content);

    /// <summary>The system instruction's tokens: the same on every row, counted once.</summary>
    public static int SystemInstruction => SystemInstructionTokens.Value;

    private static readonly Lazy<int> SystemInstructionTokens = new(() => Count(DraftPrompt.SystemInstruction));

    /// <summary>
    /// Tokens of <see cref="DraftPrompt.UserContent"/> without building it: the ticket, then each
    /// source, counted apart so a passage that repeats across rows is tokenised once. Every cut is
    /// made right after the newline that follows a closing tag (<c>&gt;\n</c> is a single
    /// pre-token in o200k, so cutting before the newline would count one token too many per
    /// source); after that newline comes <c>&lt;source</c>, where the tokenizer's pre-split always
    /// starts afresh, so the parts add up to the whole exactly (pinned by a test on random texts).
    /// </summary>
    public static int UserContent(string subject, string body, IReadOnlyList<Citation> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var ticket = DraftPrompt.TicketSection(subject, body);
        return UserContent(DraftPrompt.UserContent(subject, body, sources), ticket.Length, sources, SourceSection.Of);
    }

    /// <summary>
    /// The same, for a user turn already built (<paramref name="userContent"/>, whose ticket
    /// section is its first <paramref name="ticketLength"/> characters): the ticket is counted in
    /// place, each source section's counts come from <paramref name="section"/> (a cache).
    /// </summary>
    public static int UserContent(string userContent, int ticketLength, IReadOnlyList<Citation> sources, Func<Citation, SourceSection> section)
    {
        ArgumentNullException.ThrowIfNull(userContent);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(section);
        if (sources.Count == 0)
        {
            return Count(userContent);
        }

        // The ticket with the newline that the first source section starts with.
        var total = Count(userContent.AsSpan(0, ticketLength + 1));
        for (var i = 0; i < sources.Count; i++)
        {
            var part = section(sources[i]);
            total += i < sources.Count - 1 ? part.TokensWithNextNewline : part.TokensAsLast;
        }

        return total;
    }
}

/// <summary>
/// One <c>&lt;source&gt;</c> section of the user turn (<see cref="DraftPrompt.SourceSection"/>) with its
/// token counts as <see cref="ExportTokens.UserContent(string, int, IReadOnlyList{Citation}, Func{Citation, SourceSection})"/>
/// cuts it: without its leading newline, and with the next section's leading newline when one follows.
/// </summary>
internal sealed class SourceSection
{
    private SourceSection(string text)
    {
        Text = text;
        var inner = text.AsSpan(1);
        TokensAsLast = ExportTokens.Count(inner);
        TokensWithNextNewline = ExportTokens.Count(string.Concat(inner, "\n"));
    }

    /// <summary>The section as it stands in the user turn, starting with its newline.</summary>
    public string Text { get; }

    public int TokensAsLast { get; }

    public int TokensWithNextNewline { get; }

    public static SourceSection Of(Citation source) => new(DraftPrompt.SourceSection(source));
}
