using FluentValidation;

namespace SupportCopilot.Review.Decisions;

/// <summary>
/// Approve a draft. <see cref="Text"/> null (or equal to the draft) sends the draft as it is;
/// a different text is an edit, and the edited text is what goes out.
/// </summary>
internal sealed record ApproveRequest(string? Agent, string? Text);

/// <summary>
/// Reject a draft with a reason code; <see cref="Comment"/> is required for <c>other</c>.
/// <see cref="Text"/> is the answer the agent would have given instead: nothing is sent, but the
/// correction keeps it as its final text, so preference data can pair it with the rejected draft.
/// </summary>
internal sealed record RejectRequest(string? Agent, string? Reason, string? Comment, string? Text = null);

/// <summary>Hand the ticket to someone outside the queue (a specialist, a manager); nothing is sent.</summary>
internal sealed record EscalateRequest(string? Agent, string? Comment);

/// <summary>Ask the customer a question instead of answering; the question is sent as the reply.</summary>
internal sealed record ClarifyRequest(string? Agent, string? Question);

/// <summary>What a correction's <c>action</c> column says beyond its decision.</summary>
internal static class DecisionActions
{
    public const string Escalated = "escalated";
    public const string ClarifyingQuestion = "clarifying_question";
}

/// <summary>Why an agent rejected a draft; the codes are what the correction data sets group by.</summary>
internal static class RejectReasons
{
    public const string WrongAnswer = "wrong_answer";
    public const string WrongSource = "wrong_source";
    public const string ShouldNotAutomate = "should_not_automate";
    public const string NeedsEscalation = "needs_escalation";
    public const string Other = "other";

    public static readonly IReadOnlyList<(string Code, string Label)> All =
    [
        (WrongAnswer, "Wrong answer"),
        (WrongSource, "Wrong source cited"),
        (ShouldNotAutomate, "Should not be automated"),
        (NeedsEscalation, "Needs escalation"),
        (Other, "Other (explain)"),
    ];

    public static bool IsKnown(string? code) => All.Any(r => r.Code == code);
}

internal static class DecisionLimits
{
    public const int AgentLength = 254;
    public const int TextLength = 50_000;
    public const int CommentLength = 2_000;
}

internal sealed class ApproveRequestValidator : AbstractValidator<ApproveRequest>
{
    public ApproveRequestValidator()
    {
        RuleFor(r => r.Agent).NotEmpty().MaximumLength(DecisionLimits.AgentLength);
        RuleFor(r => r.Text)
            .NotEmpty().WithMessage("The reply to send cannot be empty.")
            .MaximumLength(DecisionLimits.TextLength)
            .When(r => r.Text is not null);
    }
}

internal sealed class RejectRequestValidator : AbstractValidator<RejectRequest>
{
    public RejectRequestValidator()
    {
        RuleFor(r => r.Agent).NotEmpty().MaximumLength(DecisionLimits.AgentLength);
        RuleFor(r => r.Reason)
            .NotEmpty()
            .Must(RejectReasons.IsKnown)
            .WithMessage($"Reason must be one of: {string.Join(", ", RejectReasons.All.Select(r => r.Code))}.");
        RuleFor(r => r.Comment)
            .NotEmpty().WithMessage("Say why when the reason is 'other'.")
            .When(r => r.Reason == RejectReasons.Other);
        RuleFor(r => r.Comment).MaximumLength(DecisionLimits.CommentLength);
        RuleFor(r => r.Text).MaximumLength(DecisionLimits.TextLength);
    }
}

internal sealed class EscalateRequestValidator : AbstractValidator<EscalateRequest>
{
    public EscalateRequestValidator()
    {
        RuleFor(r => r.Agent).NotEmpty().MaximumLength(DecisionLimits.AgentLength);
        RuleFor(r => r.Comment).MaximumLength(DecisionLimits.CommentLength);
    }
}

internal sealed class ClarifyRequestValidator : AbstractValidator<ClarifyRequest>
{
    public ClarifyRequestValidator()
    {
        RuleFor(r => r.Agent).NotEmpty().MaximumLength(DecisionLimits.AgentLength);
        RuleFor(r => r.Question)
            .NotEmpty().WithMessage("Write the question to ask the customer.")
            .MaximumLength(DecisionLimits.CommentLength);
    }
}
