using System.Diagnostics.Metrics;

namespace SupportCopilot.Hosting;

/// <summary>
/// The product's own metrics, on the meter <c>SupportCopilot</c>. One class for all services so
/// the names stay consistent; each service records only its own. Created through
/// <see cref="IMeterFactory"/>, so every host (and every test host) has meters of its own.
/// </summary>
public sealed class SupportCopilotMetrics
{
    public const string MeterName = "SupportCopilot";

    private readonly Meter _meter;
    private readonly Counter<long> _ticketsReceived;
    private readonly Counter<long> _draftsAutoSent;
    private readonly Counter<long> _draftsQueuedForReview;
    private readonly Histogram<double> _reviewLatency;
    private readonly Counter<long> _repliesDelivered;
    private readonly Counter<long> _deliveryFailures;
    private readonly Histogram<long> _ticketBatchSize;

    public SupportCopilotMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _ticketsReceived = _meter.CreateCounter<long>(
            "supportcopilot.tickets.received", "{ticket}", "New tickets accepted from helpdesks (duplicates not counted).");
        _draftsAutoSent = _meter.CreateCounter<long>(
            "supportcopilot.drafts.auto_sent", "{draft}", "Drafts the policy sent without review.");
        _draftsQueuedForReview = _meter.CreateCounter<long>(
            "supportcopilot.drafts.queued_for_review", "{draft}", "Drafts put in the review queue.");
        _reviewLatency = _meter.CreateHistogram<double>(
            "supportcopilot.review.latency", "s", "Time from a draft entering the review queue to an agent's decision.");
        _repliesDelivered = _meter.CreateCounter<long>(
            "supportcopilot.replies.delivered", "{reply}", "Replies the helpdesk accepted, by origin (auto or agent).");
        _deliveryFailures = _meter.CreateCounter<long>(
            "supportcopilot.replies.delivery_failures", "{attempt}", "Reply posts the helpdesk refused or that failed; each is retried.");
        _ticketBatchSize = _meter.CreateHistogram<long>(
            "supportcopilot.tickets.batch_size", "{ticket}", "Webhook tickets stored by one statement (PostgreSQL); above 1 when webhooks arrive faster than one is stored.");
    }

    public void TicketBatchStored(int tickets) => _ticketBatchSize.Record(tickets);

    public void TicketReceived(string connector) => _ticketsReceived.Add(1, new KeyValuePair<string, object?>("connector", connector));

    public void DraftAutoSent() => _draftsAutoSent.Add(1);

    public void DraftQueuedForReview() => _draftsQueuedForReview.Add(1);

    public void ReviewDecided(string decision, TimeSpan waited) =>
        _reviewLatency.Record(Math.Max(0, waited.TotalSeconds), new KeyValuePair<string, object?>("decision", decision));

    public void ReplyDelivered(string origin) => _repliesDelivered.Add(1, new KeyValuePair<string, object?>("origin", origin));

    public void DeliveryFailed(string origin) => _deliveryFailures.Add(1, new KeyValuePair<string, object?>("origin", origin));

    /// <summary>A gauge read at each collection, e.g. the review queue's depth from a cached count.</summary>
    public void ObserveGauge(string name, string unit, string description, Func<long> read) =>
        _meter.CreateObservableGauge(name, read, unit, description);
}
