using System.Net;
using SupportCopilot.Cli.Bench;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

public sealed class DuplicateWebhookTests(OwnServers servers)
{
    [Fact]
    public async Task The_same_webhook_delivered_five_times_at_once_makes_one_ticket_and_one_reply()
    {
        await using var system = await Deployment.StartAsync(servers, draftingInstances: 1);
        using var run = system.NewRun(rate: 30, seconds: 1);

        var answers = await Task.WhenAll(run.Tickets.Select(t => run.SendConcurrentlyAsync(t, 5, TestContext.Current.CancellationToken)));

        Assert.All(answers, deliveries =>
        {
            Assert.Equal(1, deliveries.Count(d => d.Status == HttpStatusCode.Accepted));
            Assert.Equal(4, deliveries.Count(d => d.Status == HttpStatusCode.OK));
            Assert.Single(deliveries.Select(d => d.TicketId).Distinct());
        });
        Assert.Equal(run.Tickets.Count, await system.CountAsync("SELECT COUNT(*) FROM intake.tickets"));
        await run.FollowAsync(system.Helpdesk, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var report = run.Report(system.Helpdesk, TimeSpan.FromSeconds(1));
        Assert.Equal(run.Tickets.Count, await system.CountAsync("SELECT COUNT(*) FROM drafting.drafts"));
        await system.AssertEveryTicketAccountedForAsync(run, report);
    }
}
