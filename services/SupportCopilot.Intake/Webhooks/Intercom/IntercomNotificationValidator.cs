using FluentValidation;

namespace SupportCopilot.Intake.Webhooks.Intercom;

internal sealed class IntercomNotificationValidator : AbstractValidator<IntercomNotification>
{
    public IntercomNotificationValidator()
    {
        RuleFor(n => n.Id).NotEmpty().MaximumLength(200).OverridePropertyName("id");
        RuleFor(n => n.Data).NotNull().OverridePropertyName("data");
        RuleFor(n => n.Data!.Item).NotNull().When(n => n.Data is not null).OverridePropertyName("data.item");
        When(n => n.Data?.Item is not null, () =>
        {
            RuleFor(n => n.Data!.Item!.Id).NotEmpty().MaximumLength(100).OverridePropertyName("data.item.id");
            RuleFor(n => n.FirstMessage).NotNull().OverridePropertyName("data.item.conversation_message");
            RuleFor(n => n.FirstMessage!.Body)
                .NotEmpty()
                .When(n => n.FirstMessage is not null)
                .OverridePropertyName("data.item.conversation_message.body");
        });
    }
}
