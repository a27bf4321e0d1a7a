using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Standalone.Tests;

/// <summary>One trace from webhook to reply, and the product's metrics, in a standalone-style host.</summary>
public sealed class TelemetryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static object Ticket(string externalId) => new
    {
        externalId,
        subject = "Where is my invoice?",
        body = "Hello, I was charged twice this month and want a refund. Thanks, Bo",
        customer = new { email = "bo@example.com", name = "Bo Berg" },
        language = "en",
    };

    [Fact]
    public async Task The_webhook_request_and_Intakes_handling_of_the_draft_share_one_trace()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = Listen(ActivitySamplingResult.AllDataAndRecorded, activities);
        await using var host = await AllServicesHost.StartAsync();

        // The test's own request, told apart by its trace from anything a test running alongside posts.
        var ticketId = await PostAndAwaitReviewAsync(host, "TR-1");

        var webhook = Assert.Single(activities, a => a.Kind == ActivityKind.Server
            && a.DisplayName.Contains("/api/webhooks/generic", StringComparison.Ordinal)
            && Equals(a.GetTagItem("supportcopilot.ticket_id"), ticketId.ToString()));
        var consumed = await Eventually.MatchesAsync(
            () => Task.FromResult(activities.Where(a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer
                && Equals(a.GetTagItem("supportcopilot.ticket_id"), ticketId.ToString())).ToList()),
            found => found.Any(a => a.DisplayName.Contains("intake-draft-ready", StringComparison.Ordinal)),
            what: "Intake's DraftReady consume span");
        Assert.Contains(consumed, a => a.DisplayName.Contains("drafting-ticket-received", StringComparison.Ordinal));
        Assert.Contains(consumed, a => a.DisplayName.Contains("review-draft-ready", StringComparison.Ordinal));
        Assert.All(consumed, consume => Assert.Equal(webhook.TraceId, consume.TraceId));
    }

    [Fact]
    public async Task Without_an_exporter_no_span_is_recorded_yet_the_draft_is_handled_in_the_webhooks_trace()
    {
        // A listener that asks for no more than the trace context: what the services' own tracer
        // asks for when nothing exports. Whatever it sees recorded, the services recorded.
        var activities = new ConcurrentQueue<Activity>();
        using var listener = Listen(ActivitySamplingResult.PropagationData, activities);
        await using var host = await AllServicesHost.StartAsync();

        var ticketId = await PostAndAwaitReviewAsync(host, "TR-3");

        var webhook = Assert.Single(activities, a => a.Kind == ActivityKind.Server
            && Equals(a.GetTagItem("supportcopilot.ticket_id"), ticketId.ToString()));
        var consumed = await Eventually.MatchesAsync(
            () => Task.FromResult(activities.Where(a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer
                && Equals(a.GetTagItem("supportcopilot.ticket_id"), ticketId.ToString())).ToList()),
            found => found.Count >= 3,
            what: "the consume spans of Drafting, Review and Intake");
        Assert.All(consumed, consume => Assert.Equal(webhook.TraceId, consume.TraceId));
        // Only this ticket's trace: a test running alongside may have had its spans recorded by
        // another test's listener, and a span's sampled flag passes to its children.
        Assert.DoesNotContain(activities, a => a.TraceId == webhook.TraceId && a.Recorded);
    }

    [Fact]
    public async Task Queued_drafts_review_latency_and_queue_depth_are_measured()
    {
        await using var host = await AllServicesHost.StartAsync();
        using var metrics = new RecordedMetrics(host.Services.GetRequiredService<IMeterFactory>());

        using var response = await host.Http.PostAsJsonAsync("/api/webhooks/generic", Ticket("TR-2"), Token);
        await host.Consumed.WaitForAsync<DraftQueuedForReview>(1);
        await Eventually.MatchesAsync(
            () => { metrics.Observe(); return Task.FromResult(metrics.Total("supportcopilot.review.queue_depth")); },
            depth => depth == 1,
            what: "A queue depth of one");
        var items = await host.Http.GetFromJsonAsync<JsonElement>("/api/review/items?status=pending", Token);
        var draftId = items.GetProperty("items")[0].GetProperty("draftId").GetGuid();
        using var approved = await host.Http.PostAsJsonAsync($"/api/review/items/{draftId}/approve", new { agent = "ana" }, Token);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await host.Consumed.WaitForAsync<SendReply>(1);

        Assert.Equal(1, metrics.Total("supportcopilot.tickets.received"));
        Assert.Equal(1, metrics.Total("supportcopilot.drafts.queued_for_review"));
        Assert.Equal(0, metrics.Total("supportcopilot.drafts.auto_sent"));
        // One decision, one review latency: the time between queueing and approving.
        Assert.Equal(1, metrics.Count("supportcopilot.review.latency"));
        Assert.Equal(1, metrics.Total("supportcopilot.replies.delivered"));
    }

    private static ActivityListener Listen(ActivitySamplingResult asking, ConcurrentQueue<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => asking,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task<Guid> PostAndAwaitReviewAsync(AllServicesHost host, string externalId)
    {
        using var response = await host.Http.PostAsJsonAsync("/api/webhooks/generic", Ticket(externalId), Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ticketId = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("ticketId").GetGuid();
        await host.Consumed.WaitForAsync<DraftQueuedForReview>(1);
        return ticketId;
    }
}
