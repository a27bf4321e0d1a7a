using SupportCopilot.Contracts.Prompts;
using System.Text.Json;
using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Drafting.Llm;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

/// <summary>The model drafter against a local OpenAI-compatible stand-in: the exact request, and every failure ending in review.</summary>
public sealed class LlmDraftingTests : IAsyncLifetime
{
    private const string RateLimitSource = "integrations/api-tokens.md#rate-limits";
    private const string RateLimitTicket = "What is the API rate limit? Our script gets 429 errors.";

    private readonly KnowledgeIndex _index = SampleKnowledgeBase.Index();
    private RecordingHttpServer _server = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await RecordingHttpServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _index.Dispose();
    }

    private LlmOptions Options(LlmProvider provider = LlmProvider.AzureOpenAI, string? verify = null, string? triage = null, int timeoutSeconds = 20, int retries = 0) => new()
    {
        Provider = provider,
        Endpoint = provider == LlmProvider.AzureOpenAI ? _server.BaseUrl : new Uri(_server.BaseUrl, "v1/"),
        ApiKey = "test-key",
        ApiVersion = "2024-10-21",
        Deployments = new LlmDeployments { Draft = "support-draft-ft", Verify = verify, Triage = triage },
        Prices = new LlmPrices { Draft = new TokenPrice { InputPer1M = 2.5m, OutputPer1M = 10m } },
        Instructions = "Sign off as 'The Quillstack team'. Never promise refunds.",
        TimeoutSeconds = timeoutSeconds,
        MaxRetries = retries,
    };

    private static string Completion(object content, string finishReason = "stop", string? refusal = null, int input = 1200, int output = 80) =>
        JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            created = 1_760_000_000,
            model = "support-draft-ft",
            choices = new[]
            {
                new { index = 0, message = new { role = "assistant", content = content is string s ? s : JsonSerializer.Serialize(content), refusal }, finish_reason = finishReason },
            },
            usage = new { prompt_tokens = input, completion_tokens = output, total_tokens = input + output },
        });

    private static object Draft(string answer = "Each token can make up to 120 requests per minute.", string[]? citations = null, bool needsHuman = false, string? reason = null, string? question = null) =>
        new { answer, citations = citations ?? [RateLimitSource], needs_human = needsHuman, needs_human_reason = reason, clarifying_question = question };

    private async Task<PipelineResult> RunAsync(LlmOptions options, string body = RateLimitTicket)
    {
        var drafting = LlmDrafting.Create(options, _index);
        var pipeline = new DraftingPipeline(_index, new DraftingOptions { AutoSendThreshold = 0.0 }, model: drafting);
        return await pipeline.RunAsync(SampleKnowledgeBase.Ticket(body), 0.0, Token);
    }

    [Fact]
    public async Task The_azure_request_names_the_deployment_and_api_version_and_sends_the_tagged_prompt_with_a_json_schema()
    {
        _server.Enqueue(StandInResponse.Ok(Completion(Draft())));

        var result = await RunAsync(Options());

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/openai/deployments/support-draft-ft/chat/completions", request.Path);
        Assert.Contains("api-version=2024-10-21", request.Query, StringComparison.Ordinal);
        Assert.Equal("test-key", request.Header("api-key"));
        using var body = JsonDocument.Parse(request.Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal(DraftPrompt.SystemInstruction, messages[0].GetProperty("content").GetString());
        Assert.Contains("Never promise refunds.", messages[1].GetProperty("content").GetString(), StringComparison.Ordinal);
        var user = messages[^1].GetProperty("content").GetString()!;
        Assert.StartsWith("<ticket>\n<subject></subject>\n<body>\n" + RateLimitTicket, user, StringComparison.Ordinal);
        Assert.Contains($"<source id=\"{RateLimitSource}\"", user, StringComparison.Ordinal);
        var format = body.RootElement.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Contains("needs_human", format.GetProperty("json_schema").GetProperty("schema").GetProperty("required").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal("Each token can make up to 120 requests per minute.", result.Draft.Text);
        Assert.Equal([RateLimitSource], result.Draft.Citations.Select(c => c.Source));
        Assert.Equal("llm:support-draft-ft", result.Drafter);
        Assert.Equal(new TokenUsage(1200, 80, 0.0038m), result.Insights.Usage);
        Assert.True(result.Decision.AutoSend, string.Join(", ", result.ReasonCodes));
    }

    [Fact]
    public async Task An_openai_compatible_server_gets_the_model_name_and_a_bearer_key()
    {
        _server.Enqueue(StandInResponse.Ok(Completion(Draft())));

        await RunAsync(Options(LlmProvider.OpenAI));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer test-key", request.Header("Authorization"));
        Assert.Equal("support-draft-ft", JsonDocument.Parse(request.Body).RootElement.GetProperty("model").GetString());
    }

    public static TheoryData<string, string> Failures => new()
    {
        { "refusal", LlmDrafting.Refusal },
        { "invalid_json", LlmDrafting.InvalidOutput },
        { "hallucinated_citation", LlmDrafting.HallucinatedCitation },
        { "content_filter_finish", LlmDrafting.ContentFilter },
        { "content_filter_400", LlmDrafting.ContentFilter },
        { "needs_human", LlmDrafting.NeedsHuman },
        { "server_error", LlmDrafting.Failed },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Each_model_failure_ends_in_review_with_a_reason_and_never_in_an_auto_send(string failure, string code)
    {
        _server.Enqueue(failure switch
        {
            "refusal" => StandInResponse.Ok(Completion(string.Empty, refusal: "I can't help with that.")),
            "invalid_json" => StandInResponse.Ok(Completion("Sure! Here is your answer: 120 requests per minute.")),
            "hallucinated_citation" => StandInResponse.Ok(Completion(Draft(citations: [RateLimitSource, "billing/secret-discounts.md#staff"]))),
            "content_filter_finish" => StandInResponse.Ok(Completion(string.Empty, finishReason: "content_filter")),
            "content_filter_400" => new StandInResponse(400, """{"error":{"code":"content_filter","message":"The prompt triggered the content management policy.","status":400}}"""),
            "needs_human" => StandInResponse.Ok(Completion(Draft(needsHuman: true, reason: "The customer also asks about their invoice."))),
            _ => StandInResponse.Fail(),
        });

        var result = await RunAsync(Options());

        Assert.False(result.Decision.AutoSend);
        var reason = Assert.Single(result.Decision.Reasons, r => r.Code == code);
        Assert.False(string.IsNullOrWhiteSpace(reason.Text));
        Assert.False(string.IsNullOrWhiteSpace(result.Draft.Text));
        if (failure == "hallucinated_citation")
        {
            Assert.Contains("billing/secret-discounts.md#staff", reason.Text, StringComparison.Ordinal);
            Assert.Equal([RateLimitSource], result.Draft.Citations.Select(c => c.Source));
        }
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_and_then_drafts()
    {
        _server.Enqueue(StandInResponse.TooManyRequests(TimeSpan.FromSeconds(1)), StandInResponse.Ok(Completion(Draft())));

        var result = await RunAsync(Options(retries: 1));

        Assert.Equal(2, _server.Requests.Count);
        Assert.True(_server.Requests[1].ReceivedAt - _server.Requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900));
        Assert.Empty(result.Decision.Reasons);
    }

    [Fact]
    public async Task A_429_that_outlasts_the_retries_ends_in_review_as_rate_limited()
    {
        _server.Default = StandInResponse.TooManyRequests(TimeSpan.FromSeconds(0));

        var result = await RunAsync(Options(retries: 0));

        Assert.False(result.Decision.AutoSend);
        Assert.Contains(LlmDrafting.RateLimited, result.ReasonCodes);
    }

    [Fact]
    public async Task A_model_that_never_answers_ends_in_review_as_a_timeout()
    {
        _server.Default = StandInResponse.NoAnswer();

        var result = await RunAsync(Options(timeoutSeconds: 1));

        Assert.False(result.Decision.AutoSend);
        Assert.Contains(LlmDrafting.Timeout, result.ReasonCodes);
    }

    [Fact]
    public async Task A_failed_verification_blocks_the_send_and_names_the_sentence()
    {
        _server.Enqueue(
            StandInResponse.Ok(Completion(Draft(answer: "Each token can make up to 120 requests per minute. Business plans have no limit at all."))),
            StandInResponse.Ok(Completion(new { supported = false, unsupported_sentences = new[] { "Business plans have no limit at all." } })));

        var result = await RunAsync(Options(verify: "support-verify"));

        Assert.Equal("/openai/deployments/support-verify/chat/completions", _server.Requests[1].Path);
        Assert.False(result.Decision.AutoSend);
        var reason = Assert.Single(result.Decision.Reasons, r => r.Code == LlmDrafting.VerificationFailed);
        Assert.Contains("Business plans have no limit at all.", reason.Text, StringComparison.Ordinal);
        Assert.Equal(["Business plans have no limit at all."], result.Insights.Verification!.UnsupportedSentences);
        Assert.True(result.Signals.VerifierFailed);
        // The sentence travels to the review item with its code, so the agent reads why.
        Assert.Equal(result.ReasonCodes, result.Insights.ReasonTexts!.Select(r => r.Code));
        Assert.Contains(result.Insights.ReasonTexts!, r => r.Code == LlmDrafting.VerificationFailed && r.Text == reason.Text);
    }

    [Fact]
    public async Task Triage_fills_the_insights_and_a_guarded_category_holds_the_draft()
    {
        _server.Enqueue(
            StandInResponse.Ok(Completion(new { category = "legal", language = "en", sentiment = "negative", answerable = true, reason = "threatens action" })),
            StandInResponse.Ok(Completion(Draft(question: "Which token do you mean?"))));

        var result = await RunAsync(Options(triage: "support-triage"));

        Assert.Equal("/openai/deployments/support-triage/chat/completions", _server.Requests[0].Path);
        Assert.Equal("legal", result.Insights.Category);
        Assert.Equal("negative", result.Insights.Sentiment);
        Assert.Equal("Which token do you mean?", result.Insights.ClarifyingQuestion);
        Assert.Contains("guarded:legal", result.ReasonCodes);
        Assert.Equal(2400, result.Insights.Usage!.InputTokens);
    }

    [Fact]
    public async Task A_ticket_whose_model_fails_is_still_drafted_stored_and_published_for_review()
    {
        _server.Default = StandInResponse.Fail(503);
        await using var test = await TestDatabase.CreateAsync(Data.DatabaseProvider.Sqlite);
        var database = await PolicyAndLabelTests.MigratedAsync(test);
        var pipeline = new DraftingPipeline(_index, new DraftingOptions(), model: LlmDrafting.Create(Options(), _index));
        var consumer = new TicketReceivedConsumer(database, pipeline);

        var draft = await consumer.HandleAsync(new TicketReceived(SampleKnowledgeBase.Ticket(RateLimitTicket)), Guid.NewGuid(), Token);

        Assert.NotNull(draft);
        Assert.False(draft.AutoSend);
        Assert.Contains(LlmDrafting.Failed, draft.Reasons);
        Assert.Equal(ExtractiveDrafter.Name, draft.Drafter);
        Assert.Equal(RateLimitSource, draft.Citations[0].Source);
    }

    [Fact]
    public void The_prompt_layout_is_the_one_the_fine_tuning_exports_are_written_with()
    {
        var user = DraftPrompt.UserContent(
            "Rate <limit>",
            "How many & how fast?",
            [new Citation("integrations/api-tokens.md#rate-limits", "API tokens > Rate limits", "Each token can make up to 120 requests per minute.")]);

        Assert.Equal(
            "<ticket>\n<subject>Rate &lt;limit&gt;</subject>\n<body>\nHow many &amp; how fast?\n</body>\n</ticket>"
            + "\n<source id=\"integrations/api-tokens.md#rate-limits\" title=\"API tokens &gt; Rate limits\">\nEach token can make up to 120 requests per minute.\n</source>",
            user);
        Assert.Equal("draft-prompt/1", DraftPrompt.Version);
        Assert.StartsWith("You are a customer-support assistant. Answer the customer's ticket using only the knowledge-base passages given in <source> sections", DraftPrompt.SystemInstruction, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_azure_api_version_is_refused_naming_the_supported_ones()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChatClients.AzureVersion("2023-01-01"));

        Assert.Contains("2024-10-21", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_without_an_endpoint_or_a_draft_deployment_fails_validation()
    {
        var options = new DraftingOptions();
        options.Llm.Provider = LlmProvider.AzureOpenAI;

        var result = DraftingOptions.Rules.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Drafting:Llm:Endpoint", result.FailureMessage, StringComparison.Ordinal);
        Assert.False(DraftingOptions.Rules.Validate(null, new DraftingOptions()).Failed);
    }
}
