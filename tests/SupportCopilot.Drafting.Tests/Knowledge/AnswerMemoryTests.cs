using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class AnswerMemoryTests
{
    private const string ApprovedText = "To use Quillstack on a kiosk, pin one notebook: open Settings, choose Kiosk mode and pick the notebook.";

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_approved_reply_is_remembered_with_its_provenance_found_by_the_next_ticket_and_can_be_forgotten()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await DraftingApp.StartAsync(database, new Dictionary<string, string?> { ["Drafting:KnowledgeBase:ImportFolder"] = SampleKnowledgeBase.Folder });
        var draftId = Guid.NewGuid();
        var ticketId = Guid.NewGuid();
        await StoreDraftAsync(app, draftId, ticketId, "Workspace members and guests");
        var approvedAt = new DateTimeOffset(2026, 3, 4, 10, 30, 0, TimeSpan.Zero);

        await app.Services.GetRequiredService<IBus>().Publish(new ReplyApproved(draftId, ticketId, ApprovedText, true, "ana@example.com", approvedAt), CancellationToken);

        var hits = await Eventually.MatchesAsync(
            () => Task.FromResult(app.Index.Search("Kiosk", "Can I lock a tablet to one notebook as a kiosk?").Hits),
            h => h.Count > 0 && h[0].Chunk.DocumentId == "answers/" + draftId,
            TimeSpan.FromSeconds(15),
            "the next similar ticket finds the approved answer first");
        Assert.Equal("Approved answer: Workspace members and guests", hits[0].Chunk.Title);
        Assert.Equal(ApprovedText, hits[0].Chunk.Text);

        var answers = await app.Client(DraftingApp.AgentKey).GetFromJsonAsync<JsonElement>("/api/drafting/knowledge/answers", CancellationToken);
        var answer = Assert.Single(answers.EnumerateArray());
        Assert.Equal(draftId, answer.GetProperty("draftId").GetGuid());
        Assert.Equal(ticketId, answer.GetProperty("ticketId").GetGuid());
        Assert.Equal("ana@example.com", answer.GetProperty("agent").GetString());
        Assert.True(answer.GetProperty("edited").GetBoolean());
        Assert.Equal(approvedAt, answer.GetProperty("approvedAt").GetDateTimeOffset());

        var forgotten = await app.Client(DraftingApp.OpsKey).DeleteAsync($"/api/drafting/knowledge/answers/{draftId}", CancellationToken);
        var forgottenAgain = await app.Client(DraftingApp.OpsKey).DeleteAsync($"/api/drafting/knowledge/answers/{draftId}", CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, forgotten.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, forgottenAgain.StatusCode);
        Assert.Empty(await app.Client(DraftingApp.AgentKey).GetFromJsonAsync<JsonElement[]>("/api/drafting/knowledge/answers", CancellationToken) ?? []);
        await Eventually.MatchesAsync(
            () => Task.FromResult(app.Index.Search("Kiosk", "Can I lock a tablet to one notebook as a kiosk?").Hits),
            h => h.All(hit => hit.Chunk.DocumentId != "answers/" + draftId),
            TimeSpan.FromSeconds(15),
            "the index forgets it too");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_redelivered_approval_is_remembered_once(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        var options = new DraftingOptions();
        var consumer = new AnswerMemoryConsumer(database, new KnowledgeImporter(database, options), options);
        var approved = new ReplyApproved(Guid.NewGuid(), Guid.NewGuid(), ApprovedText, false, "sam@example.com", DateTimeOffset.UtcNow);

        Assert.True(await consumer.RememberAsync(approved, CancellationToken));
        Assert.True(await consumer.RememberAsync(approved, CancellationToken));

        Assert.Single(await AnswerMemoryQueries.ListAsync(database, CancellationToken));
        Assert.Equal("Approved answer", (await KnowledgeChunks.LoadAllAsync(database, CancellationToken)).Single().Title);
        var events = await KnowledgeImporterTests.OutboxAsync(database);
        Assert.Equal(KnowledgeChange.AnswerRemembered, Assert.Single(events).Change);
    }

    [Fact]
    public async Task Answer_memory_can_be_turned_off()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        var options = new DraftingOptions { KnowledgeBase = { RememberApprovedAnswers = false } };
        var consumer = new AnswerMemoryConsumer(database, new KnowledgeImporter(database, options), options);

        Assert.False(await consumer.RememberAsync(new ReplyApproved(Guid.NewGuid(), Guid.NewGuid(), ApprovedText, false, "sam", DateTimeOffset.UtcNow), CancellationToken));
        Assert.Empty(await KnowledgeChunks.LoadAllAsync(database, CancellationToken));
    }

    [Fact]
    public async Task A_question_asked_back_to_the_customer_is_not_remembered_as_an_answer()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        var options = new DraftingOptions();
        var consumer = new AnswerMemoryConsumer(database, new KnowledgeImporter(database, options), options);
        var question = new ReplyApproved(
            Guid.NewGuid(), Guid.NewGuid(), "Which notebook should the kiosk open?", true, "sam", DateTimeOffset.UtcNow, ReplyKind.ClarifyingQuestion);

        Assert.False(await consumer.RememberAsync(question, CancellationToken));
        Assert.Empty(await KnowledgeChunks.LoadAllAsync(database, CancellationToken));
        Assert.True(await consumer.RememberAsync(question with { Kind = ReplyKind.Answer }, CancellationToken));
    }

    private static async Task StoreDraftAsync(DraftingApp app, Guid draftId, Guid ticketId, string citedTitle)
    {
        await using var connection = await app.Database.OpenAsync(CancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO drafts (draft_id, ticket_id, text, citations, confidence, auto_send, reasons, drafter, drafted_at)
            VALUES (@DraftId, @TicketId, 'draft', @Citations, 0.5, 0, '[]', 'offline-extractive', @DraftedAt)
            """,
            new
            {
                DraftId = draftId,
                TicketId = ticketId,
                Citations = JsonSerializer.Serialize(new[] { new Citation("sharing/workspace-members-and-guests.md", citedTitle, "passage") }, JsonSerializerOptions.Web),
                DraftedAt = DateTimeOffset.UtcNow,
            });
    }
}
