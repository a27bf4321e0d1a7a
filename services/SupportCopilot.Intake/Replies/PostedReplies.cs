using System.Collections.Concurrent;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Replies this process posted to a helpdesk whose delivery it has not managed to record yet: the
/// database went away between the helpdesk's answer and our write. A redelivery of the same
/// <see cref="Contracts.SendReply"/> to this process then records the delivery without posting
/// again. The memory dies with the process; the delivery's claim then expires and
/// <see cref="OrphanedDeliverySweep"/> queues the reply again, which the helpdesk sees as a repeat of
/// the same <c>Idempotency-Key</c>.
/// </summary>
internal sealed class PostedReplies
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _unrecorded = new();

    public void Posted(Guid draftId, DateTimeOffset sentAt) => _unrecorded[draftId] = sentAt;

    public bool WasPosted(Guid draftId, out DateTimeOffset sentAt) => _unrecorded.TryGetValue(draftId, out sentAt);

    public void Recorded(Guid draftId) => _unrecorded.TryRemove(draftId, out _);
}
