using SupportCopilot.Cli.Bench;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// Load runs with a fault in the middle, on real RabbitMQ and PostgreSQL. Each ends by checking every
/// ticket it sent: accepted, in exactly one final state, its reply (if it has one) delivered exactly
/// once, and every outbox drained.
/// </summary>
public sealed class FaultTests(OwnServers servers)
{
    [Fact]
    public async Task A_run_without_faults_accounts_for_every_ticket()
    {
        await using var system = await Deployment.StartAsync(servers);
        using var run = system.NewRun();

        var report = await system.RunAsync(run, "no-fault");

        await system.AssertEveryTicketAccountedForAsync(run, report);
    }

    [Fact]
    public async Task The_RabbitMQ_node_stopped_and_restarted_twice_mid_run_loses_no_ticket_and_answers_none_twice()
    {
        await using var system = await Deployment.StartAsync(servers, draftingInstances: 1);

        // Each restart takes seconds, so the same number of tickets is spread thinner to keep both inside the run.
        using var run = system.NewRun(Deployment.Rate / 3, Deployment.Seconds * 3);

        var report = await system.RunAsync(run, "rabbitmq-restarted-twice", async () =>
        {
            foreach (var at in new[] { 0.15, 0.55 })
            {
                await Deployment.AtAsync(run, at);
                system.Mark(run, "RabbitMQ stopped");
                await servers.StopRabbitMqAsync();
                await servers.StartRabbitMqAsync();
                system.Mark(run, "RabbitMQ up");
            }
        });

        await system.AssertEveryTicketAccountedForAsync(run, report);
    }

    [Fact]
    public async Task A_Drafting_process_killed_mid_run_leaves_its_work_to_the_other_instance_and_loses_nothing()
    {
        await using var system = await Deployment.StartAsync(servers, draftingInstances: 2);
        using var run = system.NewRun();

        var report = await system.RunAsync(run, "drafting-sigkill", async () =>
        {
            await Deployment.AtAsync(run, 0.3);
            system.Mark(run, "drafting1 SIGKILL");
            await system.Drafting[0].KillAsync();
            await Deployment.AtAsync(run, 0.6);
            system.Drafting[0].Start();
            await system.Drafting[0].WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            system.Mark(run, "drafting1 back");
        });

        await system.AssertEveryTicketAccountedForAsync(run, report);
    }

    [Fact]
    public async Task PostgreSQL_restarted_mid_run_costs_retries_but_no_ticket()
    {
        await using var system = await Deployment.StartAsync(servers, draftingInstances: 1);
        using var run = system.NewRun();
        var startedBefore = await servers.PostgresStartedAtAsync();

        var report = await system.RunAsync(run, "postgres-restarted", async () =>
        {
            await Deployment.AtAsync(run, 0.4);
            system.Mark(run, "PostgreSQL restarting");
            await servers.RestartPostgresAsync();
            system.Mark(run, "PostgreSQL up");
        });

        await system.AssertEveryTicketAccountedForAsync(run, report);

        // Whether webhooks fail during the restart depends on timing (a quick accept path may have
        // nothing in flight), so what proves the fault is the server's own start time.
        Assert.True(
            await servers.PostgresStartedAtAsync() > startedBefore,
            "PostgreSQL was not restarted during the run, so it did not test anything: " + report.Describe());
    }

    [Fact]
    public async Task A_helpdesk_that_fails_hangs_and_throttles_for_a_while_still_gets_each_reply_exactly_once()
    {
        await using var system = await Deployment.StartAsync(servers, draftingInstances: 1);
        using var run = system.NewRun();

        // Replies trail the webhooks, so the bad spells start once replies flow, and each lasts a
        // while of the scenario's clock (what is refused then depends on the breaker, not on us).
        var report = await system.RunAsync(run, "helpdesk-500-timeout-429", async () =>
        {
            await Eventually.MatchesAsync(() => Task.FromResult(system.Helpdesk.Deliveries.Count), n => n >= 10, TimeSpan.FromSeconds(120), "Ten replies delivered");
            foreach (var (mood, spell) in new[] { (HelpdeskMood.Failing, 2.0), (HelpdeskMood.Hanging, 3.0), (HelpdeskMood.Throttling, 2.0), (HelpdeskMood.Healthy, 0.0) })
            {
                system.Mark(run, "helpdesk " + mood.ToString().ToLowerInvariant());
                system.Helpdesk.Mood = mood;
                await Task.Delay(TimeSpan.FromSeconds(spell), TestContext.Current.CancellationToken);
            }
        });

        await system.AssertEveryTicketAccountedForAsync(run, report);
        Assert.True(system.Helpdesk.Refused > 0, "The helpdesk refused nothing, so the faults were not exercised.");
    }
}
