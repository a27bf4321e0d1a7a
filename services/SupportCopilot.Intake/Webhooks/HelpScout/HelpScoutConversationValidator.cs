using FluentValidation;

namespace SupportCopilot.Intake.Webhooks.HelpScout;

internal sealed class HelpScoutConversationValidator : AbstractValidator<HelpScoutConversation>
{
    public HelpScoutConversationValidator()
    {
        RuleFor(c => c.Id).NotEmpty().MaximumLength(100).OverridePropertyName("id");
        RuleFor(c => c.TheCustomer).NotNull().OverridePropertyName("primaryCustomer");
        RuleFor(c => c.TheCustomer!.Id).NotEmpty().When(c => c.TheCustomer is not null).OverridePropertyName("primaryCustomer.id");
    }
}
