using System.Net.Mail;
using FluentValidation;

namespace SupportCopilot.Intake.Webhooks.Freshdesk;

internal sealed class FreshdeskPayloadValidator : AbstractValidator<FreshdeskPayload>
{
    public FreshdeskPayloadValidator()
    {
        RuleFor(p => p.FreshdeskWebhook).NotNull().OverridePropertyName("freshdesk_webhook");
        When(p => p.FreshdeskWebhook is not null, () =>
        {
            RuleFor(p => p.FreshdeskWebhook!.TicketId).NotEmpty().MaximumLength(100).OverridePropertyName("freshdesk_webhook.ticket_id");
            RuleFor(p => p.FreshdeskWebhook!.TicketSubject).NotEmpty().OverridePropertyName("freshdesk_webhook.ticket_subject");
            RuleFor(p => p.FreshdeskWebhook!.TicketDescription).NotEmpty().OverridePropertyName("freshdesk_webhook.ticket_description");
            RuleFor(p => p.FreshdeskWebhook!.Email)
                .NotEmpty()
                .MaximumLength(320)
                .Must(BeAnEmailAddress)
                .WithMessage("'requester_email' must be an email address such as ana@example.com.")
                .OverridePropertyName("freshdesk_webhook.requester_email");
            RuleFor(p => p.FreshdeskWebhook!.Name).MaximumLength(200).OverridePropertyName("freshdesk_webhook.requester_name");
        });
    }

    private static bool BeAnEmailAddress(string? value) =>
        value is not null && MailAddress.TryCreate(value.Trim(), out var address) && address.Address == value.Trim();
}
