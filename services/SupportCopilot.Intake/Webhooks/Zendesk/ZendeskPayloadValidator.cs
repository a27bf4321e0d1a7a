using FluentValidation;

namespace SupportCopilot.Intake.Webhooks.Zendesk;

/// <summary>What a Zendesk ticket needs, named by its path in whichever shape arrived.</summary>
internal sealed class ZendeskPayloadValidator : AbstractValidator<ZendeskPayload>
{
    public ZendeskPayloadValidator()
    {
        When(p => p.IsEvent, () =>
        {
            RuleFor(p => p.Id).NotEmpty().MaximumLength(200).OverridePropertyName("id");
            RuleFor(p => p.Detail).NotNull().OverridePropertyName("detail");
            When(p => p.Detail is not null, () =>
            {
                RuleFor(p => p.Detail!.Id).NotEmpty().MaximumLength(100).OverridePropertyName("detail.id");
                RuleFor(p => p.Detail!.Subject).NotEmpty().OverridePropertyName("detail.subject");
                RuleFor(p => p.Detail!.Description).NotEmpty().OverridePropertyName("detail.description");
            });
        }).Otherwise(() =>
        {
            RuleFor(p => p.TicketId).NotEmpty().MaximumLength(100).OverridePropertyName("ticket_id");
            RuleFor(p => p.Subject).NotEmpty().OverridePropertyName("subject");
            RuleFor(p => p.Description).NotEmpty().OverridePropertyName("description");
            RuleFor(p => p.RequesterEmail).MaximumLength(320).OverridePropertyName("requester_email");
            RuleFor(p => p.RequesterName).MaximumLength(200).OverridePropertyName("requester_name");
        });
    }
}
