using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests;

public sealed class TicketLifecycleTests
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_auto_send_draft_is_delivered_once_and_the_ticket_ends_auto_sent(DatabaseProvider provider)
    {
        await using var helpdesk = await HelpdeskStandIn.StartAsync();
        await using var host = await IntakeHost.StartAsync(provider, helpdesk.CallbackUrl);
        var ticket = await PostTicketAsync(host);
        var draft = Draft(ticket, autoSend: true);
        var messageId = NewId.NextGuid();

        await host.Bus.Publish(draft, context => context.MessageId = messageId);
        await WaitForStatusAsync(host, ticket.TicketId, "auto_sent");
        await host.Bus.Publish(draft, context => context.MessageId = messageId);
        await host.Bus.Publish(draft, context => context.MessageId = NewId.NextGuid());
        await host.Bus.Publish(new SendReply(draft.DraftId, ticket.TicketId, draft.Text, ReplyOrigin.Automatic));
        await host.Consumed.WaitForAsync<DraftReady>(3);
        await host.Consumed.WaitForAsync<SendReply>(2);
        await WaitForQuietAsync(host);

        var reply = Assert.Single(helpdesk.Replies);
        Assert.Equal(draft.DraftId.ToString(), reply.IdempotencyKey);
        var body = JsonDocument.Parse(reply.Body).RootElement;
        Assert.Equal("ZD-42", body.GetProperty("externalId").GetString());
        Assert.Equal(draft.Text, body.GetProperty("text").GetString());
        var view = await host.Http.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticket.TicketId}");
        Assert.Equal("auto_sent", view.GetProperty("status").GetString());
        Assert.Equal(draft.Text, view.GetProperty("reply").GetProperty("text").GetString());
        Assert.Equal("kb/reset.md#reset", view.GetProperty("draft").GetProperty("citations")[0].GetProperty("source").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_draft_for_review_is_sent_only_after_an_agent_approves_it(DatabaseProvider provider)
    {
        await using var helpdesk = await HelpdeskStandIn.StartAsync();
        await using var host = await IntakeHost.StartAsync(provider, helpdesk.CallbackUrl);
        var ticket = await PostTicketAsync(host);
        var draft = Draft(ticket, autoSend: false);

        await host.Bus.Publish(draft);
        await WaitForStatusAsync(host, ticket.TicketId, "drafted");
        await host.Bus.Publish(new DraftQueuedForReview(draft.DraftId, ticket.TicketId, DateTimeOffset.UtcNow));
        await WaitForStatusAsync(host, ticket.TicketId, "in_review");
        Assert.Empty(helpdesk.Replies);

        await host.Bus.Publish(new ReplyApproved(draft.DraftId, ticket.TicketId, "Edited by Ana.", true, "ana", DateTimeOffset.UtcNow));
        await WaitForStatusAsync(host, ticket.TicketId, "sent");

        var reply = Assert.Single(helpdesk.Replies);
        Assert.Contains("Edited by Ana.", reply.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Review_news_that_overtakes_the_draft_does_not_move_the_ticket_backwards(DatabaseProvider provider)
    {
        await using var host = await IntakeHost.StartAsync(provider);
        var ticket = await PostTicketAsync(host);
        var draft = Draft(ticket, autoSend: false);

        await host.Bus.Publish(new DraftQueuedForReview(draft.DraftId, ticket.TicketId, DateTimeOffset.UtcNow));
        await WaitForStatusAsync(host, ticket.TicketId, "in_review");
        await host.Bus.Publish(draft);
        await Eventually.MatchesAsync(
            () => host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets WHERE draft_id IS NOT NULL"), n => n == 1, what: "The draft being recorded");

        Assert.Equal("in_review", await StatusAsync(host, ticket.TicketId));
    }

    [Fact]
    public async Task A_rejected_draft_sends_nothing()
    {
        await using var helpdesk = await HelpdeskStandIn.StartAsync();
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite, helpdesk.CallbackUrl);
        var ticket = await PostTicketAsync(host);
        var draft = Draft(ticket, autoSend: false);

        await host.Bus.Publish(draft);
        await host.Bus.Publish(new DraftRejected(draft.DraftId, ticket.TicketId, "wrong_answer", null, "ana", DateTimeOffset.UtcNow));
        await WaitForStatusAsync(host, ticket.TicketId, "rejected");
        await host.Consumed.WaitForAsync<DraftReady>(1);
        await WaitForQuietAsync(host);

        Assert.Empty(helpdesk.Replies);
    }

    [Fact]
    public async Task A_helpdesk_that_fails_for_a_while_gets_the_reply_once_when_it_recovers()
    {
        await using var helpdesk = await HelpdeskStandIn.StartAsync();
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite, helpdesk.CallbackUrl);
        var ticket = await PostTicketAsync(host);
        helpdesk.FailNext(2);

        await host.Bus.Publish(Draft(ticket, autoSend: true));
        await WaitForStatusAsync(host, ticket.TicketId, "auto_sent");

        Assert.Single(helpdesk.Replies);
        Assert.Equal(0, helpdesk.FailuresLeft);
        // The connector's HTTP retries absorb the two 503s within the first delivery attempt.
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT attempts FROM reply_deliveries"));
    }

    [Fact]
    public async Task Without_a_callback_url_a_reply_is_recorded_as_sent()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);
        var ticket = await PostTicketAsync(host);

        await host.Bus.Publish(Draft(ticket, autoSend: true));

        await WaitForStatusAsync(host, ticket.TicketId, "auto_sent");
        Assert.Equal("delivered", await host.ScalarAsync<string>("SELECT status FROM reply_deliveries"));
    }

    private static async Task<TicketContent> PostTicketAsync(IntakeHost host)
    {
        using var response = await host.PostTicketAsync(Tickets.Valid("ZD-42"));
        response.EnsureSuccessStatusCode();
        var ticketId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid();
        return new TicketContent(
            ticketId, "generic", "ZD-42", "Cannot sign in", "How do I reset my password?", new Customer("ana@example.com", "Ana Lima"), "en", DateTimeOffset.UtcNow);
    }

    private static DraftReady Draft(TicketContent ticket, bool autoSend) => new(
        NewId.NextGuid(),
        ticket,
        "Hi Ana, open the sign-in page and choose Forgot password.",
        [new Citation("kb/reset.md#reset", "Reset your password", "Open the sign-in page and choose Forgot password.")],
        autoSend ? 0.93 : 0.41,
        autoSend,
        autoSend ? [] : ["low_confidence"],
        "test",
        DateTimeOffset.UtcNow);

    private static Task<string> StatusAsync(IntakeHost host, Guid ticketId) =>
        host.ScalarAsync<string>("SELECT status FROM tickets WHERE ticket_id = @TicketId", new { TicketId = ticketId });

    private static Task WaitForStatusAsync(IntakeHost host, Guid ticketId, string status) =>
        Eventually.MatchesAsync(() => StatusAsync(host, ticketId), s => s == status, what: $"Ticket reaching {status}");

    /// <summary>Every message this host queued has been published and every delivery settled.</summary>
    private static Task WaitForQuietAsync(IntakeHost host) =>
        Eventually.MatchesAsync(
            () => host.ScalarAsync<int>(
                "SELECT (SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL) + (SELECT COUNT(*) FROM reply_deliveries WHERE status <> 'delivered')"),
            pending => pending == 0,
            what: "Outbox and deliveries settling");
}
