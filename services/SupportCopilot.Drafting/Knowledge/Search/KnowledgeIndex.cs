using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// A query term after analysis (stemmed, stop words gone), its weight in the ticket, how many
/// passages hold it and its rarity (BM25 idf) in the knowledge base.
/// </summary>
internal sealed record QueryTerm(string Term, double Weight, int DocumentFrequency, double Idf)
{
    public double Mass => Weight * Idf;

    /// <summary>False for words no passage holds (names, typos, things the knowledge base does not cover).</summary>
    public bool InVocabulary => DocumentFrequency > 0;
}

/// <param name="Lexical">The BM25 score when <see cref="Score"/> is the section re-ranker's probability; null otherwise.</param>
internal sealed record SearchHit(KnowledgeChunk Chunk, double Score, int Rank, double? Lexical = null)
{
    /// <summary>The BM25 score (or, after a fusion, the fused one): what margins between passages were always measured on.</summary>
    public double LexicalScore => Lexical ?? Score;
}

/// <param name="LexicalTop">
/// When the section re-ranker ordered the hits: BM25's own first source, so that confidence can
/// see whether the two rankings agree. Null without re-ranking.
/// </param>
internal sealed record SearchResult(IReadOnlyList<QueryTerm> Terms, IReadOnlyList<SearchHit> Hits, string? LexicalTop = null)
{
    /// <summary>Whether the hits' scores are the re-ranker's probabilities (not BM25 scores).</summary>
    public bool Reranked => LexicalTop is not null;

    public static readonly SearchResult Empty = new([], []);
}

/// <summary>
/// BM25 search over the knowledge-base passages with Lucene.Net: an in-memory index rebuilt from
/// the <c>chunks</c> table at start and after every import. Searches run concurrently; a rebuild
/// swaps in a new snapshot, and the old reader closes once the last search on it is done
/// (reference counting, as Lucene's SearcherManager does).
/// </summary>
internal sealed class KnowledgeIndex : IDisposable
{
    private const string IdField = "id";
    private const string TitleField = "title";
    private const string HeadingsField = "headings";
    private const string BodyField = "body";
    private const int MaxQueryTerms = 200;
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private static readonly HashSet<string> IdFields = [IdField];

    private readonly Analyzer _analyzer = new EnglishAnalyzer(Version);
    private readonly RetrievalOptions _options;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChunkEmbedder? _embedder;
    private SectionReranker? _reranker;
    private Snapshot? _current;

    public KnowledgeIndex(DraftingOptions options, ChunkEmbedder? embedder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Retrieval;
        _embedder = embedder;
        _reranker = _options.RerankDepth > 1 ? new SectionReranker(this, FittedReranker.Load(_options.RerankerFile)) : null;
    }

    /// <summary>The re-ranker of the top BM25 candidates; null when <c>Drafting:Retrieval:RerankDepth</c> turns it off.</summary>
    public SectionReranker? Reranker
    {
        get => _reranker;
        set => _reranker = value;
    }

    /// <summary>True when an embedding deployment is configured: <see cref="SearchAsync"/> fuses BM25 with dense vectors.</summary>
    public bool IsHybrid => _embedder is not null;

    /// <summary>How many indexed passages carry a vector (0 without an embedding deployment).</summary>
    public int VectorCount => Volatile.Read(ref _current)?.VectorCount ?? 0;

    public bool IsReady => _ready.Task.IsCompleted;

    public int PassageCount => Volatile.Read(ref _current)?.Chunks.Count ?? 0;

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    public async Task RebuildAsync(DraftingDatabase database, CancellationToken cancellationToken = default)
    {
        var (chunks, embeddings) = await KnowledgeChunks.LoadWithEmbeddingsAsync(database, cancellationToken);
        Build(chunks, embeddings);
    }

    /// <summary>Indexes <paramref name="chunks"/> (with their vectors, when given) and swaps the new index in.</summary>
    public void Build(IReadOnlyList<KnowledgeChunk> chunks, IReadOnlyList<float[]?>? embeddings = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (embeddings is not null && embeddings.Count != chunks.Count)
        {
            throw new ArgumentException("One vector (or null) per chunk.", nameof(embeddings));
        }

        var directory = new RAMDirectory();
        var config = new IndexWriterConfig(Version, _analyzer)
        {
            Similarity = new BM25Similarity(),
            OpenMode = OpenMode.CREATE,
        };
        var byId = new Dictionary<string, KnowledgeChunk>(StringComparer.Ordinal);
        var termSets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var writer = new IndexWriter(directory, config))
        {
            foreach (var chunk in chunks)
            {
                writer.AddDocument(new Document
                {
                    new StringField(IdField, chunk.ChunkId, Field.Store.YES),
                    new TextField(TitleField, chunk.Title, Field.Store.NO),
                    new TextField(HeadingsField, chunk.HeadingPath, Field.Store.NO),
                    new TextField(BodyField, chunk.Text, Field.Store.NO),
                });
                byId[chunk.ChunkId] = chunk;
                var terms = Analyze(chunk.Title + "\n" + chunk.HeadingPath + "\n" + chunk.Text).ToHashSet(StringComparer.Ordinal);
                termSets[chunk.ChunkId] = terms;
                foreach (var term in terms)
                {
                    documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
                }
            }

            writer.Commit();
        }

        var vectors = new List<(KnowledgeChunk Chunk, float[] Vector)>();
        for (var i = 0; embeddings is not null && i < chunks.Count; i++)
        {
            if (embeddings[i] is { Length: > 0 } vector)
            {
                vectors.Add((chunks[i], vector));
            }
        }

        var reader = DirectoryReader.Open(directory);

        // Lucene document number -> chunk, read once here, so that searches never load stored fields.
        var byDocument = new KnowledgeChunk[reader.MaxDoc];
        for (var doc = 0; doc < reader.MaxDoc; doc++)
        {
            byDocument[doc] = byId[reader.Document(doc, IdFields).Get(IdField)];
        }

        var snapshot = new Snapshot(
            reader,
            new IndexSearcher(reader) { Similarity = new BM25Similarity() },
            byId,
            termSets,
            documentFrequency,
            byDocument,
            [.. vectors.Select(v => v.Chunk)],
            [.. vectors.Select(v => v.Vector)]);
        var previous = Interlocked.Exchange(ref _current, snapshot);
        previous?.Reader.DecRef();
        _ready.TrySetResult();
    }

    /// <summary>The analyzer's view of <paramref name="text"/>: lower-cased, stop words removed, stemmed.</summary>
    public IReadOnlyList<string> Analyze(string text)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        using var stream = _analyzer.GetTokenStream(BodyField, new StringReader(text));
        var attribute = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(attribute.ToString());
        }

        stream.End();
        return terms;
    }

    /// <summary>
    /// Ranks passages for a ticket with BM25. The query is built from analyzed terms (never parsed),
    /// so ticket text cannot inject query syntax; subject terms weigh more than body terms; quoted
    /// replies, greetings and signatures are dropped (<see cref="TicketQuery"/>). A ticket asking
    /// several questions is also searched once per question, and the lists are fused by reciprocal
    /// rank, so that the second question's passage is not crowded out by the first's.
    /// </summary>
    public SearchResult Search(string subject, string body, int? top = null)
    {
        var snapshot = Acquire();
        if (snapshot is null)
        {
            return SearchResult.Empty;
        }

        try
        {
            var query = TicketQuery.Build(subject, body);
            var wanted = top ?? _options.TopPassages;
            if (query.Questions.Count < 2)
            {
                return SearchOnce(snapshot, query.Subject, query.Body, wanted, rerank: true);
            }

            // The whole ticket and each question are independent searches of one IndexSearcher
            // (thread-safe): run side by side, a several-question ticket costs about one search's
            // time on an idle instance instead of one per question.
            var results = new SearchResult[query.Questions.Count + 1];
            Parallel.For(0, results.Length, i => results[i] = i == 0
                ? SearchOnce(snapshot, query.Subject, query.Body, wanted, rerank: true)

                // The subject is in the whole-ticket search already; a question alone is a short, cheap query.
                : SearchOnce(snapshot, string.Empty, query.Questions[i - 1], wanted, _options.QuestionMaxTermShare));
            var whole = results[0];
            if (whole.Hits.Count == 0)
            {
                return whole;
            }

            var lists = new List<(IReadOnlyList<SearchHit> Hits, double Weight)> { (whole.Hits, 1.0) };
            var bestPerQuestion = new List<SearchHit>();
            foreach (var result in results.Skip(1))
            {
                var hits = result.Hits;
                lists.Add((hits, _options.QuestionWeight));
                if (hits.Count > 0 && _options.QuestionWeight > 0)
                {
                    bestPerQuestion.Add(hits[0]);
                }
            }

            return new SearchResult(whole.Terms, EveryQuestionAnswered(whole.Hits[0], ReciprocalRankFusion.Fuse(lists, wanted, _options.RrfK), bestPerQuestion, wanted), whole.LexicalTop);
        }
        finally
        {
            snapshot.Reader.DecRef();
        }
    }

    /// <summary>
    /// <see cref="Search"/>, fused by reciprocal rank with an exact cosine search over the
    /// passages' vectors when an embedding deployment is configured; BM25 alone otherwise.
    /// </summary>
    public async Task<SearchResult> SearchAsync(string subject, string body, int? top = null, CancellationToken cancellationToken = default)
    {
        var wanted = top ?? _options.TopPassages;
        var lexical = Search(subject, body, Math.Max(wanted, _options.HybridCandidates));
        var snapshot = Volatile.Read(ref _current);
        if (_embedder is null || snapshot is null || snapshot.VectorCount == 0)
        {
            return lexical.Hits.Count > wanted ? lexical with { Hits = lexical.Hits.Take(wanted).ToList() } : lexical;
        }

        var query = TicketQuery.Build(subject, body);
        var vector = await _embedder.EmbedQueryAsync(query.Text, cancellationToken);
        var dense = snapshot.NearestByCosine(vector, _options.HybridCandidates);
        var fused = ReciprocalRankFusion.Fuse([(lexical.Hits, 1.0), (dense, 1.0)], wanted, _options.RrfK);
        return new SearchResult(lexical.Terms, fused, lexical.LexicalTop);
    }

    /// <summary>
    /// The whole ticket's best passage first (it ranks the ticket as the customer wrote it), then
    /// each question's best passage, then the fused ranking, so
    /// that a second question's answer is never crowded out by passages about the first. A moved
    /// passage ties with the one before it: the ticket needs both, and confidence should see no margin.
    /// </summary>
    private static IReadOnlyList<SearchHit> EveryQuestionAnswered(SearchHit first, IReadOnlyList<SearchHit> fused, List<SearchHit> bestPerQuestion, int wanted)
    {
        var ordered = new List<(KnowledgeChunk Chunk, double Score)> { (first.Chunk, first.Score) };
        foreach (var best in bestPerQuestion)
        {
            if (!ordered.Exists(o => o.Chunk.ChunkId == best.Chunk.ChunkId))
            {
                ordered.Add((best.Chunk, ordered[^1].Score));
            }
        }

        foreach (var hit in fused)
        {
            if (!ordered.Exists(o => o.Chunk.ChunkId == hit.Chunk.ChunkId))
            {
                ordered.Add((hit.Chunk, Math.Min(hit.Score, ordered[^1].Score)));
            }
        }

        return ordered.Take(wanted).Select((o, i) => new SearchHit(o.Chunk, o.Score, i + 1)).ToList();
    }

    /// <param name="maxTermShare">
    /// Terms held by a larger share of passages are left out of the Lucene query (not out of the
    /// returned terms): BM25 gives them almost no weight, yet their long posting lists are most of
    /// a query's cost.
    /// </param>
    /// <param name="rerank">Re-order the top candidates with <see cref="Reranker"/> (the whole ticket's search; a question's own search feeds a fusion of ranks and stays BM25).</param>
    private SearchResult SearchOnce(Snapshot snapshot, string subject, string body, int wanted, double maxTermShare = 1.0, bool rerank = false)
    {
        var terms = QueryTerms(snapshot, subject, body);
        var limit = maxTermShare * snapshot.Chunks.Count;
        var searched = maxTermShare >= 1.0 ? terms : terms.Where(t => t.DocumentFrequency <= limit).ToList();
        if (terms.Count == 0)
        {
            return SearchResult.Empty;
        }

        var query = new BooleanQuery();
        foreach (var term in searched)
        {
            Add(query, TitleField, term, _options.TitleBoost);
            Add(query, HeadingsField, term, _options.HeadingsBoost);
            Add(query, BodyField, term, _options.BodyBoost);
        }

        var reranker = rerank ? _reranker : null;
        var depth = reranker is null ? wanted : Math.Max(wanted, _options.RerankDepth);

        // Fetch more than asked so that re-weighting lead sections can reorder the top.
        var docs = snapshot.Searcher.Search(query, depth * 2);
        var scored = new List<(KnowledgeChunk Chunk, double Score)>(docs.ScoreDocs.Length);
        foreach (var scoreDoc in docs.ScoreDocs)
        {
            var chunk = snapshot.ByDocument[scoreDoc.Doc];
            scored.Add((chunk, chunk.IsLead ? scoreDoc.Score * _options.LeadSectionWeight : scoreDoc.Score));
        }

        IReadOnlyList<SearchHit> hits = scored
            .OrderByDescending(s => s.Score)
            .Take(depth)
            .Select((s, i) => new SearchHit(s.Chunk, s.Score, i + 1))
            .ToList();
        string? lexicalTop = null;
        if (reranker is not null && hits.Count > 0)
        {
            lexicalTop = hits[0].Chunk.Source;
            hits = RerankHead(reranker, hits, terms, Analyze(subject + "\n" + body));
        }

        return new SearchResult(terms, hits.Count > wanted ? hits.Take(wanted).ToList() : hits, lexicalTop);
    }

    /// <summary>
    /// Re-ranks the first <c>RerankDepth</c> hits (the depth the model was fitted on); a longer list
    /// (a hybrid search asks for 50) keeps BM25's order below them, its scores scaled under the
    /// lowest re-ranked probability so that scores still fall with rank.
    /// </summary>
    private IReadOnlyList<SearchHit> RerankHead(SectionReranker reranker, IReadOnlyList<SearchHit> hits, IReadOnlyList<QueryTerm> terms, IReadOnlyList<string> sequence)
    {
        // A re-ranker set on an index configured without one re-ranks the whole list.
        var headCount = _options.RerankDepth > 1 ? Math.Min(hits.Count, _options.RerankDepth) : hits.Count;
        var head = reranker.Rerank(hits.Take(headCount).ToList(), terms, sequence);
        if (headCount == hits.Count)
        {
            return head;
        }

        var floor = head[^1].Score;
        var tailTop = hits[headCount].Score;
        var tail = hits.Skip(headCount).Select((h, i) => new SearchHit(h.Chunk, tailTop <= 0 ? 0 : floor * h.Score / tailTop * 0.99, headCount + i + 1, h.Score));
        return [.. head, .. tail];
    }

    /// <summary>The ticket's words in order, as the analyzer sees them (for word-pair features).</summary>
    public IReadOnlyList<string> QuerySequence(string subject, string body)
    {
        var query = TicketQuery.Build(subject, body);
        return Analyze(query.Subject + "\n" + query.Body);
    }

    /// <summary>The whole ticket's BM25 candidates before re-ranking (what the re-ranker is fitted on).</summary>
    internal SearchResult Candidates(string subject, string body, int depth)
    {
        var snapshot = Acquire();
        if (snapshot is null)
        {
            return SearchResult.Empty;
        }

        try
        {
            var query = TicketQuery.Build(subject, body);
            return SearchOnce(snapshot, query.Subject, query.Body, depth);
        }
        finally
        {
            snapshot.Reader.DecRef();
        }
    }

    /// <summary>
    /// The baseline for benchmarks: the text analyzed by the same analyzer into one flat query over
    /// the same three fields of the same index, top <paramref name="top"/> ids fetched, and nothing
    /// else (no ticket clean-up, weighting, lead re-weighting or per-question search).
    /// </summary>
    internal IReadOnlyList<string> BareLuceneSearch(string text, int top)
    {
        var snapshot = Acquire();
        if (snapshot is null)
        {
            return [];
        }

        try
        {
            var query = new BooleanQuery();
            foreach (var term in Analyze(text).Distinct(StringComparer.Ordinal).Take(BooleanQuery.MaxClauseCount / 3))
            {
                query.Add(new TermQuery(new Term(TitleField, term)), Occur.SHOULD);
                query.Add(new TermQuery(new Term(HeadingsField, term)), Occur.SHOULD);
                query.Add(new TermQuery(new Term(BodyField, term)), Occur.SHOULD);
            }

            var docs = snapshot.Searcher.Search(query, top);
            return docs.ScoreDocs.Select(d => snapshot.Searcher.Doc(d.Doc, IdFields).Get(IdField)).ToList();
        }
        finally
        {
            snapshot.Reader.DecRef();
        }
    }

    /// <summary>
    /// Share of the query's weight (term weight x idf) that the passage contains, in [0, 1]. Words
    /// no passage holds are left out: no passage could match them, and they are mostly names,
    /// typos and chatter (<see cref="OutOfVocabularyShare"/> measures them separately).
    /// </summary>
    public double Coverage(KnowledgeChunk chunk, IReadOnlyList<QueryTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var snapshot = Volatile.Read(ref _current);
        if (snapshot is null || !snapshot.TermSets.TryGetValue(chunk.ChunkId, out var set))
        {
            return 0;
        }

        return Coverage(set, terms);
    }

    public static double Coverage(IReadOnlySet<string> present, IReadOnlyList<QueryTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(terms);
        var total = terms.Where(t => t.InVocabulary).Sum(t => t.Mass);
        return total <= 0 ? 0 : Math.Clamp(terms.Where(t => t.InVocabulary && present.Contains(t.Term)).Sum(t => t.Mass) / total, 0, 1);
    }

    /// <summary>Share of the query's weight in words no passage holds, in [0, 1].</summary>
    public static double OutOfVocabularyShare(IReadOnlyList<QueryTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var total = terms.Sum(t => t.Mass);
        return total <= 0 ? 0 : terms.Where(t => !t.InVocabulary).Sum(t => t.Mass) / total;
    }

    public void Dispose()
    {
        var previous = Interlocked.Exchange(ref _current, null);
        previous?.Reader.DecRef();
        _analyzer.Dispose();
    }

    private static void Add(BooleanQuery query, string field, QueryTerm term, float boost)
    {
        if (boost > 0)
        {
            query.Add(new TermQuery(new Term(field, term.Term)) { Boost = (float)term.Weight * boost }, Occur.SHOULD);
        }
    }

    private List<QueryTerm> QueryTerms(Snapshot snapshot, string subject, string body)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in Analyze(body).GroupBy(t => t, StringComparer.Ordinal))
        {
            // Repeating a word says a little more about what the ticket is about, not much more.
            weights[group.Key] = 1.0 + 0.5 * Math.Log(group.Count());
        }

        foreach (var term in Analyze(subject).Distinct(StringComparer.Ordinal))
        {
            weights[term] = weights.GetValueOrDefault(term) + _options.SubjectWeight;
        }

        var passages = Math.Max(1, snapshot.Chunks.Count);
        return weights
            .Select(pair =>
            {
                var frequency = snapshot.DocumentFrequency.GetValueOrDefault(pair.Key);
                var idf = Math.Log(1 + (passages - frequency + 0.5) / (frequency + 0.5));
                return new QueryTerm(pair.Key, pair.Value, frequency, idf);
            })
            .OrderByDescending(t => t.Mass)
            .ThenBy(t => t.Term, StringComparer.Ordinal)
            .Take(MaxQueryTerms)
            .ToList();
    }

    private Snapshot? Acquire()
    {
        while (true)
        {
            var snapshot = Volatile.Read(ref _current);
            if (snapshot is null)
            {
                return null;
            }

            if (snapshot.Reader.TryIncRef())
            {
                return snapshot;
            }
        }
    }

    private sealed record Snapshot(
        DirectoryReader Reader,
        IndexSearcher Searcher,
        IReadOnlyDictionary<string, KnowledgeChunk> Chunks,
        IReadOnlyDictionary<string, HashSet<string>> TermSets,
        IReadOnlyDictionary<string, int> DocumentFrequency,
        KnowledgeChunk[] ByDocument,
        KnowledgeChunk[] VectorChunks,
        float[][] Vectors)
    {
        public int VectorCount => Vectors.Length;

        /// <summary>Exact nearest neighbours by cosine similarity: every vector is compared (SIMD through TensorPrimitives).</summary>
        public IReadOnlyList<SearchHit> NearestByCosine(float[] query, int top)
        {
            var best = new PriorityQueue<int, float>(top + 1);
            for (var i = 0; i < Vectors.Length; i++)
            {
                if (Vectors[i].Length != query.Length)
                {
                    continue;
                }

                var similarity = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(query, Vectors[i]);
                best.Enqueue(i, similarity);
                if (best.Count > top)
                {
                    best.Dequeue();
                }
            }

            var hits = new List<(int Index, float Similarity)>(best.Count);
            while (best.TryDequeue(out var index, out var similarity))
            {
                hits.Add((index, similarity));
            }

            hits.Reverse();
            return hits.Select((h, rank) => new SearchHit(VectorChunks[h.Index], h.Similarity, rank + 1)).ToList();
        }
    }
}
