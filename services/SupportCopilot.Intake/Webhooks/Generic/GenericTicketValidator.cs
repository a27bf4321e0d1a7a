using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;

namespace SupportCopilot.Intake.Webhooks.Generic;

internal sealed partial class GenericTicketValidator : AbstractValidator<GenericTicketRequest>
{
    public const int MaxBodyBytes = 64 * 1024;

    public GenericTicketValidator()
    {
        RuleFor(t => t.ExternalId).NotEmpty().MaximumLength(200);
        RuleFor(t => t.Subject).NotEmpty().MaximumLength(1_000);
        RuleFor(t => t.Body)
            .NotEmpty()
            .Must(body => body is null || Encoding.UTF8.GetByteCount(body) <= MaxBodyBytes)
            .WithMessage($"'Body' must be at most {MaxBodyBytes / 1024} KiB of UTF-8 text.");
        RuleFor(t => t.Customer).NotNull();
        When(t => t.Customer is not null, () =>
        {
            RuleFor(t => t.Customer!.Email)
                .NotEmpty()
                .MaximumLength(320)
                .Must(BeAnEmailAddress)
                .WithMessage("'Email' must be an email address such as ana@example.com.")
                .OverridePropertyName("Customer.Email");
            RuleFor(t => t.Customer!.Name).NotEmpty().MaximumLength(200).OverridePropertyName("Customer.Name");
        });
        RuleFor(t => t.Language)
            .Matches(LanguageTag())
            .When(t => t.Language is not null)
            .WithMessage("'Language' must be a language tag such as 'en' or 'pt-BR'.");
    }

    private static bool BeAnEmailAddress(string? value) =>
        value is not null
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}
