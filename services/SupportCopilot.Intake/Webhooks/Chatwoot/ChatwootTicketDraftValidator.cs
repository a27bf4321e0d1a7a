using FluentValidation;

namespace SupportCopilot.Intake.Webhooks.Chatwoot;

/// <summary>What a Chatwoot ticket needs, each problem named by its path in the event that arrived.</summary>
internal sealed class ChatwootTicketDraftValidator : AbstractValidator<ChatwootTicketDraft>
{
    public ChatwootTicketDraftValidator()
    {
        RuleFor(d => d.AccountId).NotEmpty().MaximumLength(50).OverridePropertyName("account.id");
        RuleFor(d => d).Custom((draft, context) =>
        {
            if (string.IsNullOrWhiteSpace(draft.ConversationId) || draft.ConversationId.Length > 50)
            {
                context.AddFailure(draft.ConversationPath, "The conversation's id must be present (at most 50 characters).");
            }

            if (string.IsNullOrWhiteSpace(draft.Content))
            {
                context.AddFailure(draft.ContentPath, "The customer's message must have text.");
            }
        });
    }
}
