using System.Runtime.CompilerServices;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// A linear model over <see cref="SectionFeatures"/>: <c>p = sigmoid(Bias + Σ Weights[f]·f)</c>,
/// the probability that a candidate section answers the ticket. Fitted by
/// <c>copilot calibrate ranker</c> (ML.NET's logistic regression, cross-validated by question).
/// </summary>
internal sealed record RerankerModel(string Version, double Bias, IReadOnlyDictionary<string, double> Weights)
{
    public double Score(IReadOnlyDictionary<string, double> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var z = Bias;
        foreach (var (name, weight) in Weights)
        {
            if (features.TryGetValue(name, out var value) && !double.IsNaN(value))
            {
                z += weight * value;
            }
        }

        return 1.0 / (1.0 + Math.Exp(-z));
    }
}

/// <summary>
/// What BM25 over bag-of-words cannot see about a candidate section, measured against the ticket:
/// whether its own heading names what is asked, whether the ticket's word pairs occur in it as
/// pairs, whether it is mostly code, how its document fares among the candidates. Names are
/// stable: a fitted <see cref="RerankerModel"/> refers to them.
/// </summary>
internal static class SectionFeatures
{
    public const string Bm25 = "bm25";
    public const string ReciprocalRank = "reciprocal_rank";
    public const string Coverage = "coverage";
    public const string HeadingCoverage = "heading_coverage";
    public const string TitleCoverage = "title_coverage";
    public const string HeadingInQuery = "heading_in_query";
    public const string Bigrams = "bigrams";
    public const string HeadingBigrams = "heading_bigrams";
    public const string CodeShare = "code_share";
    public const string Lead = "lead";
    public const string DocumentShare = "document_share";
    public const string FirstMatch = "first_match";

    public static IReadOnlyList<string> Names { get; } =
    [
        Bm25, ReciprocalRank, Coverage, HeadingCoverage, TitleCoverage, HeadingInQuery, Bigrams,
        HeadingBigrams, CodeShare, Lead, DocumentShare, FirstMatch,
    ];
}

/// <summary>
/// Re-orders the top BM25 candidates by <see cref="RerankerModel"/>. BM25 ranks a section by
/// how many of the ticket's words it holds; the wrong answers it prefers are mostly a sibling
/// section of the right article or a code-example section that repeats the words. The re-ranked
/// hits carry the model's probability as their score and keep BM25's as <see cref="SearchHit.Lexical"/>.
/// </summary>
internal sealed class SectionReranker(KnowledgeIndex index, RerankerModel model)
{
    private readonly ConditionalWeakTable<KnowledgeChunk, AnalyzedSection> _sections = new();
    private readonly HashSet<string> _weighed = model.Weights.Keys.ToHashSet(StringComparer.Ordinal);

    public RerankerModel Model => model;

    public IReadOnlyList<SearchHit> Rerank(IReadOnlyList<SearchHit> candidates, IReadOnlyList<QueryTerm> terms, IReadOnlyList<string> querySequence)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            return candidates;
        }

        // A single candidate is scored too: its probability is evidence whether or not it has rivals.
        var features = Features(candidates, terms, querySequence, _weighed);
        return candidates
            .Select((hit, i) => (Hit: hit, P: model.Score(features[i])))
            .OrderByDescending(x => x.P)
            .ThenBy(x => x.Hit.Rank)
            .Select((x, i) => new SearchHit(x.Hit.Chunk, x.P, i + 1, x.Hit.Score))
            .ToList();
    }

    /// <summary>
    /// One feature set per candidate, in the candidates' order: every feature (for fitting), or only
    /// those in <paramref name="only"/> (re-ranking a ticket computes just what the model weighs).
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Features(
        IReadOnlyList<SearchHit> candidates, IReadOnlyList<QueryTerm> terms, IReadOnlyList<string> querySequence, IReadOnlySet<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(querySequence);
        var idf = terms.ToDictionary(t => t.Term, t => t.InVocabulary ? t.Idf : 0, StringComparer.Ordinal);
        var queryTerms = terms.Where(t => t.InVocabulary).Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        var queryBigrams = Bigrams(querySequence).Where(b => queryTerms.Contains(b.First) && queryTerms.Contains(b.Second)).Distinct().ToList();
        var bigramMass = queryBigrams.Sum(b => Math.Min(idf[b.First], idf[b.Second]));
        var top = candidates[0].Score;
        var documents = candidates.GroupBy(c => c.Chunk.DocumentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        double BigramShare(Func<(string First, string Second), bool> held) =>
            bigramMass <= 0 ? 0 : queryBigrams.Where(held).Sum(b => Math.Min(idf[b.First], idf[b.Second])) / bigramMass;

        var result = new List<IReadOnlyDictionary<string, double>>(candidates.Count);
        foreach (var hit in candidates)
        {
            var section = _sections.GetValue(hit.Chunk, Analyze);
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            void Add(string name, Func<double> value)
            {
                if (only is null || only.Contains(name))
                {
                    row[name] = value();
                }
            }

            Add(SectionFeatures.Bm25, () => top <= 0 ? 0 : Math.Clamp(hit.Score / top, 0, 1));
            Add(SectionFeatures.ReciprocalRank, () => 1.0 / hit.Rank);
            Add(SectionFeatures.Coverage, () => index.Coverage(hit.Chunk, terms));
            Add(SectionFeatures.HeadingCoverage, () => KnowledgeIndex.Coverage(section.HeadingTerms, terms));
            Add(SectionFeatures.TitleCoverage, () => KnowledgeIndex.Coverage(section.TitleTerms, terms));
            Add(SectionFeatures.HeadingInQuery, () => section.HeadingTerms.Count == 0 ? 0 : section.HeadingTerms.Count(queryTerms.Contains) / (double)section.HeadingTerms.Count);
            Add(SectionFeatures.Bigrams, () => BigramShare(b => section.Bigrams.Contains(b) || section.HeadingBigrams.Contains(b)));
            Add(SectionFeatures.HeadingBigrams, () => BigramShare(section.HeadingBigrams.Contains));
            Add(SectionFeatures.CodeShare, () => section.CodeShare);
            Add(SectionFeatures.Lead, () => hit.Chunk.IsLead ? 1 : 0);
            Add(SectionFeatures.DocumentShare, () => documents[hit.Chunk.DocumentId] / (double)candidates.Count);
            Add(SectionFeatures.FirstMatch, () => FirstMatch(section.Sequence, queryTerms));
            result.Add(row);
        }

        return result;
    }

    /// <summary>1 when the section's first word is a ticket word, falling towards 0 the later the first one comes.</summary>
    private static double FirstMatch(IReadOnlyList<string> sequence, HashSet<string> queryTerms)
    {
        for (var i = 0; i < sequence.Count; i++)
        {
            if (queryTerms.Contains(sequence[i]))
            {
                return 1.0 / (1.0 + i / 20.0);
            }
        }

        return 0;
    }

    private AnalyzedSection Analyze(KnowledgeChunk chunk)
    {
        var heading = OwnHeading(chunk);
        var headingSequence = index.Analyze(heading);
        var sequence = index.Analyze(chunk.Text);
        return new AnalyzedSection(
            headingSequence.ToHashSet(StringComparer.Ordinal),
            index.Analyze(chunk.Title).ToHashSet(StringComparer.Ordinal),
            Bigrams(headingSequence).ToHashSet(),
            Bigrams(sequence).ToHashSet(),
            sequence,
            CodeLineShare(chunk.Text));
    }

    /// <summary>The section's own heading: the last step of its heading path (the title for a lead).</summary>
    private static string OwnHeading(KnowledgeChunk chunk)
    {
        var path = chunk.HeadingPath;
        var last = path.LastIndexOf(DocumentChunker.HeadingSeparator, StringComparison.Ordinal);
        return last < 0 ? path : path[(last + DocumentChunker.HeadingSeparator.Length)..];
    }

    private static IEnumerable<(string First, string Second)> Bigrams(IReadOnlyList<string> sequence)
    {
        for (var i = 1; i < sequence.Count; i++)
        {
            yield return (sequence[i - 1], sequence[i]);
        }
    }

    /// <summary>
    /// Share of the section's non-empty lines that read as code: inside a fence, or dense in the
    /// punctuation code is made of. Scraped pages often lose their fences, so density counts too.
    /// </summary>
    internal static double CodeLineShare(string text)
    {
        var lines = 0;
        var code = 0;
        var fenced = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            lines++;
            if (fenced || LooksLikeCode(line))
            {
                code++;
            }
        }

        return lines == 0 ? 0 : code / (double)lines;
    }

    private static bool LooksLikeCode(string line)
    {
        var symbols = 0;
        var letters = 0;
        foreach (var c in line)
        {
            if (c is '{' or '}' or '[' or ']' or '(' or ')' or ';' or '=' or '<' or '>' or '"' or '_' or '$' or '\\' or '|')
            {
                symbols++;
            }
            else if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return symbols >= 2 && symbols * 6 >= letters;
    }

    private sealed record AnalyzedSection(
        HashSet<string> HeadingTerms,
        HashSet<string> TitleTerms,
        HashSet<(string, string)> HeadingBigrams,
        HashSet<(string, string)> Bigrams,
        IReadOnlyList<string> Sequence,
        double CodeShare);
}
