using SupportCopilot.Contracts.Prompts;
using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Drafting.Policy;

namespace SupportCopilot.Drafting.Llm;

/// <summary>
/// The model drafter: triage (optional), draft with structured output, verify (optional). Every
/// failure (refusal, content filter, invalid JSON, invented citation ids, 429 after retries,
/// timeout, any error) becomes a hold with a reason, so the ticket ends in review, never in an
/// auto-send and never lost; the pipeline falls back to the offline draft when there is no model draft.
/// </summary>
internal sealed partial class LlmDrafting : IDraftingModel
{
    public const string Refusal = "llm_refusal";
    public const string ContentFilter = "llm_content_filter";
    public const string InvalidOutput = "llm_invalid_output";
    public const string HallucinatedCitation = "llm_hallucinated_citation";
    public const string RateLimited = "llm_rate_limited";
    public const string Timeout = "llm_timeout";
    public const string Failed = "llm_error";
    public const string NeedsHuman = "llm_needs_human";
    public const string VerificationFailed = "verification_failed";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly LlmOptions _options;
    private readonly KnowledgeIndex _index;
    private readonly IChatClient _draft;
    private readonly IChatClient? _triage;
    private readonly IChatClient? _verify;

    public LlmDrafting(LlmOptions options, KnowledgeIndex index, IChatClient draft, IChatClient? triage = null, IChatClient? verify = null)
    {
        _options = options;
        _index = index;
        _draft = draft;
        _triage = triage;
        _verify = verify;
    }

    public static LlmDrafting Create(LlmOptions options, KnowledgeIndex index)
    {
        ArgumentNullException.ThrowIfNull(options);
        var draft = options.Deployments.Draft ?? throw new InvalidOperationException("Drafting:Llm:Deployments:Draft is required when Drafting:Llm:Provider is set.");
        return new LlmDrafting(
            options,
            index,
            ChatClients.Create(options, draft),
            options.Deployments.Triage is { Length: > 0 } triage ? ChatClients.Create(options, triage) : null,
            options.Deployments.Verify is { Length: > 0 } verify ? ChatClients.Create(options, verify) : null);
    }

    public string Name => "llm:" + _options.Deployments.Draft;

    public IReadOnlyList<string> AnswerLanguages => _options.Languages;

    public async Task<ModelOutcome> RunAsync(TicketContent ticket, SearchResult retrieval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(retrieval);
        var usage = new UsageTally();
        var holds = new List<PolicyReason>();
        var sources = retrieval.Hits
            .GroupBy(h => h.Chunk.Source, StringComparer.Ordinal)
            .Select(g => g.First())
            .Take(_options.Passages)
            .ToList();
        var citations = sources.Select(h => new Citation(h.Chunk.Source, h.Chunk.HeadingPath, h.Chunk.Text)).ToList();
        var user = DraftPrompt.UserContent(ticket.Subject ?? string.Empty, ticket.Body ?? string.Empty, citations);

        TriageResult? triage = null;
        if (_triage is not null)
        {
            var (answer, failure) = await CallAsync<TriageAnswer>(_triage, TriageMessages(ticket), LlmSchemas.Triage, "triage", _options.Prices.Triage, usage, cancellationToken);
            if (answer is not null)
            {
                triage = new TriageResult(answer.Category, answer.Language, answer.Sentiment, answer.Answerable, answer.Reason);
            }
            else
            {
                holds.Add(failure!);
            }
        }

        var (drafted, draftFailure) = await CallAsync<DraftAnswer>(_draft, DraftMessages(ticket, user), LlmSchemas.Draft, "draft", _options.Prices.Draft, usage, cancellationToken);
        if (drafted is null)
        {
            holds.Add(draftFailure!);
            return new ModelOutcome(null, triage, null, usage.ToUsage(), null, holds);
        }

        var known = sources.ToDictionary(h => h.Chunk.Source, StringComparer.Ordinal);
        var cited = (drafted.Citations ?? []).Distinct(StringComparer.Ordinal).ToList();
        var invented = cited.Where(c => !known.ContainsKey(c)).ToList();
        if (invented.Count > 0)
        {
            holds.Add(new(HallucinatedCitation, $"The model cited sources it was not given: {string.Join(", ", invented)}."));
        }

        if (drafted.NeedsHuman)
        {
            holds.Add(new(NeedsHuman, "The model asks for a person: " + (string.IsNullOrWhiteSpace(drafted.NeedsHumanReason) ? "no reason given." : drafted.NeedsHumanReason)));
        }

        var usedHits = cited.Where(known.ContainsKey).Select(c => known[c]).ToList();
        var answerText = drafted.Answer!.Trim();
        var sentences = SentenceSplitter.Split(answerText).Select(s => s.Of(answerText)).ToList();
        var draft = new DraftComposition(
            answerText,
            usedHits.Select(h => new Citation(h.Chunk.Source, h.Chunk.HeadingPath, h.Chunk.Text)).ToList(),
            usedHits,
            sentences,
            KnowledgeIndex.Coverage(_index.Analyze(answerText).ToHashSet(StringComparer.Ordinal), retrieval.Terms));

        DraftVerification? verification = null;
        if (_verify is not null && draft.Citations.Count > 0)
        {
            var (verdict, verifyFailure) = await CallAsync<VerifyAnswer>(_verify, VerifyMessages(draft), LlmSchemas.Verify, "verify", _options.Prices.Verify, usage, cancellationToken);
            if (verdict is null)
            {
                holds.Add(new(VerificationFailed, "The draft could not be verified: " + verifyFailure!.Text));
            }
            else
            {
                var unsupported = verdict.UnsupportedSentences ?? [];
                verification = new DraftVerification(verdict.Supported && unsupported.Count == 0, unsupported, "llm:" + _options.Deployments.Verify);
                if (!verification.Supported)
                {
                    holds.Add(new(VerificationFailed, "Not supported by the cited passages: \"" + string.Join("\", \"", unsupported) + "\""));
                }
            }
        }

        return new ModelOutcome(draft, triage, verification, usage.ToUsage(), string.IsNullOrWhiteSpace(drafted.ClarifyingQuestion) ? null : drafted.ClarifyingQuestion, holds);
    }

    private List<ChatMessage> DraftMessages(TicketContent ticket, string user)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, DraftPrompt.SystemInstruction) };

        // Brand instructions ride in a second system message so the first stays the one the
        // fine-tuning exports were written with.
        var brand = string.Join("\n", new[] { _options.Instructions, _options.BrandInstructions.GetValueOrDefault(ticket.Connector ?? string.Empty) }
            .Where(s => !string.IsNullOrWhiteSpace(s)));
        messages.Add(new(ChatRole.System, (brand.Length > 0 ? brand + "\n" : string.Empty) + LlmSchemas.DraftGuidance));
        messages.Add(new(ChatRole.User, user));
        return messages;
    }

    private static List<ChatMessage> TriageMessages(TicketContent ticket) =>
    [
        new(ChatRole.System, LlmSchemas.TriageInstruction),
        new(ChatRole.User, DraftPrompt.TicketSection(ticket.Subject ?? string.Empty, ticket.Body ?? string.Empty)),
    ];

    private static List<ChatMessage> VerifyMessages(DraftComposition draft)
    {
        var user = "<answer>\n" + DraftPrompt.Escape(draft.Text) + "\n</answer>" + string.Concat(draft.Citations.Select(DraftPrompt.SourceSection));
        return [new(ChatRole.System, LlmSchemas.VerifyInstruction), new(ChatRole.User, user)];
    }

    private async Task<(T? Answer, PolicyReason? Failure)> CallAsync<T>(
        IChatClient client, List<ChatMessage> messages, JsonElement schema, string role, TokenPrice price, UsageTally usage, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(
                messages,
                new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, role, $"The {role} role's answer."), Temperature = 0 },
                timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new(Timeout, $"The {role} model did not answer within {_options.TimeoutSeconds} s."));
        }
        catch (ClientResultException ex) when (ex.Status == 429)
        {
            return (null, new(RateLimited, $"The {role} model is rate-limited (429) after {_options.MaxRetries} retries."));
        }
        catch (ClientResultException ex) when (IsContentFilter(ex.Message))
        {
            return (null, new(ContentFilter, $"The {role} request was blocked by the content filter."));
        }
        catch (ClientResultException ex)
        {
            return (null, new(Failed, string.Create(CultureInfo.InvariantCulture, $"The {role} model failed (HTTP {ex.Status}).")));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or JsonException)
        {
            return (null, new(Failed, $"The {role} model could not be reached: {ex.GetType().Name}."));
        }

        usage.Add(response.Usage, price);
        if (response.FinishReason == ChatFinishReason.ContentFilter)
        {
            return (null, new(ContentFilter, $"The {role} answer was blocked by the content filter."));
        }

        if (response.RawRepresentation is OpenAI.Chat.ChatCompletion { Refusal: { Length: > 0 } refusal })
        {
            return (null, new(Refusal, $"The {role} model refused: {refusal}"));
        }

        try
        {
            var answer = JsonSerializer.Deserialize<T>(response.Text, Json);
            if (answer is null || (answer is DraftAnswer draft && string.IsNullOrWhiteSpace(draft.Answer)))
            {
                return (null, new(InvalidOutput, $"The {role} model's answer was empty."));
            }

            return (answer, null);
        }
        catch (JsonException)
        {
            return (null, new(InvalidOutput, $"The {role} model's answer was not the JSON asked for."));
        }
    }

    private static bool IsContentFilter(string message) =>
        message.Contains("content_filter", StringComparison.OrdinalIgnoreCase) || message.Contains("content management policy", StringComparison.OrdinalIgnoreCase);

    private sealed class UsageTally
    {
        private long _input;
        private long _output;
        private decimal _cost;

        public void Add(UsageDetails? details, TokenPrice price)
        {
            var input = details?.InputTokenCount ?? 0;
            var output = details?.OutputTokenCount ?? 0;
            _input += input;
            _output += output;
            _cost += (input * price.InputPer1M + output * price.OutputPer1M) / 1_000_000m;
        }

        public TokenUsage ToUsage() => new(_input, _output, Math.Round(_cost, 6));
    }

    private sealed class DraftAnswer
    {
        [JsonPropertyName("answer")]
        public string? Answer { get; init; }

        [JsonPropertyName("citations")]
        public List<string>? Citations { get; init; }

        [JsonPropertyName("needs_human")]
        public bool NeedsHuman { get; init; }

        [JsonPropertyName("needs_human_reason")]
        public string? NeedsHumanReason { get; init; }

        [JsonPropertyName("clarifying_question")]
        public string? ClarifyingQuestion { get; init; }
    }

    private sealed class TriageAnswer
    {
        [JsonPropertyName("category")]
        public string? Category { get; init; }

        [JsonPropertyName("language")]
        public string? Language { get; init; }

        [JsonPropertyName("sentiment")]
        public string? Sentiment { get; init; }

        [JsonPropertyName("answerable")]
        public bool? Answerable { get; init; }

        [JsonPropertyName("reason")]
        public string? Reason { get; init; }
    }

    private sealed class VerifyAnswer
    {
        [JsonPropertyName("supported")]
        public bool Supported { get; init; }

        [JsonPropertyName("unsupported_sentences")]
        public List<string>? UnsupportedSentences { get; init; }
    }
}
