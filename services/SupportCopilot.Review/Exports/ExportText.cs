using SupportCopilot.Contracts.Prompts;
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

    // Each thread's token counts of the pre-tokenizer's pieces. The tokenizer has a cache of its own,
    // but behind one lock for all workers, and it looks every piece up in its 200,000-entry
    // vocabulary first; a small dictionary per thread answers the common pieces without either.
    [ThreadStatic]
    private static Dictionary<string, int>? _pieceCounts;

    public static int Count(string text) => string.IsNullOrEmpty(text) ? 0 : Count(text.AsSpan());

    /// <summary>
    /// The o200k count of <paramref name="text"/>, as <see cref="Tokenizer.CountTokens(ReadOnlySpan{char}, bool, bool)"/>
    /// gives it, computed as the tokenizer computes it: the pre-tokenizer's pattern cuts the text into
    /// pieces, and the count is the sum of each piece's count. The pieces are found in one pass over
    /// the text (the tokenizer restarts its pattern after every piece, which gives the same pieces as
    /// the pattern has no look-behind), each piece's count is the tokenizer's own, asked once per
    /// thread. A text that may hold a special token (<c>&lt;|endoftext|&gt;</c>) goes to the tokenizer
    /// whole, since it cuts those out first. A test compares both on awkward texts.
    /// </summary>
    public static int Count(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        if (text.Contains("<|", StringComparison.Ordinal))
        {
            return Tokenizer.Value.CountTokens(text);
        }

        var counts = (_pieceCounts ??= new Dictionary<string, int>(CachedPieces)).GetAlternateLookup<ReadOnlySpan<char>>();
        var total = 0;
        foreach (var match in PreTokenizer().EnumerateMatches(text))
        {
            var piece = text.Slice(match.Index, match.Length);
            if (counts.TryGetValue(piece, out var count))
            {
                total += count;
                continue;
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

            total += count;
        }

        return total;
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
