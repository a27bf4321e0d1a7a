using SupportCopilot.Cli;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

public sealed class PoisonMessageTests(OwnServers servers)
{
    [Fact]
    public async Task A_ticket_that_drafting_fails_on_every_time_goes_to_the_error_queue_without_blocking_the_others_and_replays_once_fixed()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var system = await Deployment.StartAsync(servers, draftingInstances: 1);
        var broker = new Uri(system.RabbitMqUri);

        // The poison is real, not a switch: a database rule that this one ticket's draft breaks, as a
        // bad migration or a data bug would. Drafting is down while it is put in place, so the ticket
        // cannot be drafted before.
        await system.Drafting[0].KillAsync();
        using var poison = system.NewRun(rate: 1, seconds: 1);
        var poisonTicket = poison.Tickets[0];
        await poison.SendConcurrentlyAsync(poisonTicket, 1, cancellationToken);
        await system.ExecuteAsync($"ALTER TABLE drafting.drafts ADD CONSTRAINT refuses_one_ticket CHECK (ticket_id <> '{poisonTicket.TicketId}')");
        system.Drafting[0].Start();
        await system.Drafting[0].WaitUntilReadyAsync(TimeSpan.FromSeconds(90));

        using var run = system.NewRun();
        var report = await system.RunAsync(run, "poison-message");

        await system.AssertEveryTicketAccountedForAsync(run, report);
        var dead = await Eventually.MatchesAsync(
            () => ErrorsCommands.ListAsync(broker, ErrorsCommands.ServiceQueues, cancellationToken),
            list => list.Count > 0,
            TimeSpan.FromSeconds(60),
            "The poison message in an error queue");
        var message = Assert.Single(dead);
        Assert.Equal("drafting-ticket-received", message.Queue);
        Assert.Equal(poisonTicket.TicketId.ToString(), message.TicketId);
        Assert.Contains("refuses_one_ticket", message.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await system.CountAsync($"SELECT COUNT(*) FROM drafting.drafts WHERE ticket_id = '{poisonTicket.TicketId}'"));

        await system.ExecuteAsync("ALTER TABLE drafting.drafts DROP CONSTRAINT refuses_one_ticket");
        Assert.Equal(1, await ErrorsCommands.ReplayAsync(broker, ErrorsCommands.ServiceQueues, messageId: null, cancellationToken));

        await poison.FollowAsync(system.Helpdesk, TimeSpan.FromSeconds(60), cancellationToken);
        var recovered = poison.Report(system.Helpdesk, TimeSpan.FromSeconds(1));
        Assert.True(recovered.Passed, recovered.Describe());
        Assert.Equal(1, await system.CountAsync($"SELECT COUNT(*) FROM drafting.drafts WHERE ticket_id = '{poisonTicket.TicketId}'"));
        Assert.Empty(await ErrorsCommands.ListAsync(broker, ErrorsCommands.ServiceQueues, cancellationToken));
    }

    [Fact]
    public async Task Replaying_an_unknown_message_id_moves_nothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await servers.EnsureStartedAsync();
        var (_, rabbitMqUri) = await servers.CreateTenantAsync();

        var replayed = await ErrorsCommands.ReplayAsync(new Uri(rabbitMqUri), ErrorsCommands.ServiceQueues, Guid.NewGuid().ToString(), cancellationToken);

        Assert.Equal(0, replayed);
        Assert.Empty(await ErrorsCommands.ListAsync(new Uri(rabbitMqUri), ErrorsCommands.ServiceQueues, cancellationToken));
    }
}
