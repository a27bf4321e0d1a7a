using System.Text;
using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Drafting.Drafts;

/// <summary>What a drafter produced, with what it used (the confidence reads these).</summary>
internal sealed record DraftComposition(
    string Text,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<SearchHit> UsedHits,
    IReadOnlyList<string> Sentences,
    double DraftCoverage);

/// <summary>
/// The offline drafter: no model, no invented text. From the best one or two passages it picks the
/// sentences that match the ticket best and quotes them verbatim between a fixed greeting and a
/// fixed sign-off, citing the passages it quoted. When retrieval found nothing useful it writes a
/// holding reply with no citation, which the policy never sends on its own.
/// </summary>
internal sealed class ExtractiveDrafter(KnowledgeIndex index)
{
    public const string Name = "offline-extractive";

    public const string SignOff = "Best regards,\nThe support team";

    public const string HoldingReply = "Thanks for getting in touch. A member of our support team will look into this and get back to you shortly.";

    /// <summary>A passage with less of the query's weight than this is not worth quoting.</summary>
    private const double MinPassageCoverage = 0.2;

    /// <summary>A second passage is quoted only when it scores at least this share of the first.</summary>
    private const double SecondPassageRelativeScore = 0.6;

    private const int MaxSentencesPerPassage = 4;
    private const int MaxSentencesSecondPassage = 2;
    private const int MaxListItemsAfterIntro = 8;
    private const int MaxSentenceChars = 700;
    private const int MaxDraftChars = 1400;

    public DraftComposition Draft(TicketContent ticket, SearchResult retrieval)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(retrieval);
        var greeting = Greeting(ticket.Customer?.Name);
        var terms = retrieval.Terms;
        if (retrieval.Hits.Count == 0 || terms.Count == 0)
        {
            return HoldingDraft(greeting);
        }

        var top = retrieval.Hits[0];
        if (index.Coverage(top.Chunk, terms) < MinPassageCoverage)
        {
            return HoldingDraft(greeting);
        }

        var first = Select(top.Chunk, terms, MaxSentencesPerPassage);
        if (first.Count == 0)
        {
            return HoldingDraft(greeting);
        }

        var used = new List<(SearchHit Hit, List<(string Text, bool StartsLine)> Sentences)> { (top, first) };
        var covered = TermsOf(first);

        // A second passage only when it is nearly as good and answers part of the ticket the first did not.
        foreach (var hit in retrieval.Hits.Skip(1).Take(3))
        {
            if (hit.Chunk.Source == top.Chunk.Source || hit.LexicalScore < SecondPassageRelativeScore * top.LexicalScore)
            {
                continue;
            }

            var uncovered = terms.Where(t => !covered.Contains(t.Term)).ToList();
            if (uncovered.Count == 0)
            {
                break;
            }

            var second = Select(hit.Chunk, uncovered, MaxSentencesSecondPassage);
            if (second.Count > 0)
            {
                used.Add((hit, second));
                covered.UnionWith(TermsOf(second));
            }

            break;
        }

        var body = new StringBuilder();
        foreach (var (_, sentences) in used)
        {
            if (body.Length > 0)
            {
                body.Append("\n\n");
            }

            for (var i = 0; i < sentences.Count; i++)
            {
                if (i > 0)
                {
                    body.Append(sentences[i].StartsLine ? "\n" : " ");
                }

                body.Append(sentences[i].Text);
            }
        }

        var citations = used
            .Select(u => new Citation(u.Hit.Chunk.Source, u.Hit.Chunk.HeadingPath, u.Hit.Chunk.Text))
            .ToList();
        var text = $"{greeting}\n\n{body}\n\n{SignOff}";
        return new DraftComposition(
            text,
            citations,
            used.Select(u => u.Hit).ToList(),
            used.SelectMany(u => u.Sentences.Select(s => s.Text)).ToList(),
            KnowledgeIndex.Coverage(covered, terms));

        HashSet<string> TermsOf(IEnumerable<(string Text, bool StartsLine)> sentences) =>
            sentences.SelectMany(s => index.Analyze(s.Text)).ToHashSet(StringComparer.Ordinal);
    }

    public static string Greeting(string? customerName) =>
        TicketText.FirstName(customerName) is { } first ? $"Hi {first}," : "Hi there,";

    private static DraftComposition HoldingDraft(string greeting) =>
        new($"{greeting}\n\n{HoldingReply}\n\n{SignOff}", [], [], [], 0);

    /// <summary>
    /// The passage's best sentences for <paramref name="terms"/>, in passage order: its opening
    /// sentence and every sentence scoring at least half the best one (at most <paramref name="max"/>
    /// of those); a chosen sentence that introduces a list (ends with ':') brings its list items.
    /// </summary>
    private List<(string Text, bool StartsLine)> Select(KnowledgeChunk chunk, IReadOnlyList<QueryTerm> terms, int max)
    {
        var text = chunk.Text;
        var sentences = SentenceSplitter.Split(text);
        var scored = sentences
            .Select((s, i) => (Index: i, Sentence: s, Score: Score(s.Of(text), terms)))
            .Where(x => x.Sentence.Length <= MaxSentenceChars && !IsHeadingOrCode(x.Sentence.Of(text)))
            .ToList();
        var best = scored.Count == 0 ? 0 : scored.Max(x => x.Score);
        if (best <= 0)
        {
            return [];
        }

        var chosen = scored
            .Where(x => x.Score >= 0.5 * best)
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Index)
            .Take(max)
            .Select(x => x.Index)
            .ToHashSet();

        // A help-centre section opens with its key fact ("Each token can make up to 120 requests
        // per minute."), often in words the customer did not use; word overlap alone skips it.
        chosen.Add(scored[0].Index);

        foreach (var index in chosen.ToList())
        {
            if (sentences[index].Of(text).TrimEnd().EndsWith(':'))
            {
                for (var next = index + 1; next < sentences.Count && next <= index + MaxListItemsAfterIntro && IsListItem(sentences[next].Of(text)); next++)
                {
                    chosen.Add(next);
                }
            }
        }

        var result = new List<(string, bool)>();
        var length = 0;
        foreach (var index in chosen.Order())
        {
            var sentence = sentences[index].Of(text);
            if (length > 0 && length + sentence.Length > MaxDraftChars)
            {
                break;
            }

            result.Add((sentence, sentences[index].StartsLine));
            length += sentence.Length;
        }

        return result;
    }

    private double Score(string sentence, IReadOnlyList<QueryTerm> terms)
    {
        var present = index.Analyze(sentence).ToHashSet(StringComparer.Ordinal);
        return terms.Where(t => present.Contains(t.Term)).Sum(t => t.Mass);
    }

    private static bool IsHeadingOrCode(string sentence) =>
        sentence.StartsWith('#') || sentence.StartsWith("```", StringComparison.Ordinal) || sentence.StartsWith("~~~", StringComparison.Ordinal);

    private static bool IsListItem(string sentence) =>
        sentence.Length > 1 && (sentence[0] is '-' or '*' or '+' || char.IsDigit(sentence[0]));
}
