using System.Text.RegularExpressions;

namespace SupportCopilot.Drafting.Policy;

internal sealed record GuardedTopic(string Code, string Text);

/// <summary>
/// Minimal keyword detection of the categories a person must always handle. It errs on the side
/// of guarding (a false alarm costs an agent a glance; a wrong auto-send costs a customer). A
/// classifier (the triage model) replaces it in a later issue.
/// </summary>
internal static partial class GuardedTopics
{
    private static readonly (string Code, string Text, Regex Pattern)[] Topics =
    [
        ("billing", "Billing, refunds and charges go to a person.", Billing()),
        ("legal", "Legal threats go to a person.", Legal()),
        ("security", "Possible security incidents go to a person.", Security()),
        ("privacy", "Privacy and data-deletion requests go to a person.", Privacy()),
        ("hostile", "Angry or churning customers go to a person.", Hostile()),
        ("prompt_injection", "The ticket tries to give the assistant instructions.", PromptInjection()),
    ];

    public static IReadOnlyList<GuardedTopic> Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Topics.Where(t => t.Pattern.IsMatch(text)).Select(t => new GuardedTopic(t.Code, t.Text)).ToList();
    }

    [GeneratedRegex(@"\b(refunds?|refunded|refunding|charge[sd]?|charging|chargebacks?|overcharg\w*|double[- ]charged|billing|billed|bills?|payments?|paid|money\s+back|credit\s+card|debit(ed)?|prorat\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Billing();

    [GeneratedRegex(@"\b(lawyers?|attorneys?|solicitors?|legal\s+(action|team|department|steps|proceedings)|lawsuit|sue|suing|court|litigation|small\s+claims|consumer\s+protection|ombudsman|breach\s+of\s+contract)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Legal();

    [GeneratedRegex(@"\b(hacked|hacker|breach(ed)?|compromised|unauthori[sz]ed|phishing|malware|vulnerabilit(y|ies)|exploit|leaked|stolen|suspicious\s+(login|sign[- ]?in|activity)|someone\s+(else\s+)?(logged|signed)\s+in(to)?|security\s+incident)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Security();

    [GeneratedRegex(@"\b(gdpr|ccpa|dsar|data\s+subject|right\s+to\s+(be\s+forgotten|erasure|access)|personal\s+data|delete\s+(all\s+)?(my|our)\s+(account|data|information|personal)|data\s+deletion|erase\s+(my|our)|privacy\s+(request|policy|officer)|data\s+protection)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Privacy();

    [GeneratedRegex(@"\b(cancel\w*|unsubscribe|switch(ing)?\s+to\s+(a\s+)?(competitor|another|notion|evernote)|churn|unacceptable|ridiculous|outrageous|terrible|awful|horrible|worst|furious|angry|livid|fed\s+up|sick\s+of|scam|useless|garbage|rubbish|pathetic|incompetent|wtf|damn|crap|shit\w*|fuck\w*|!!!)", RegexOptions.IgnoreCase)]
    private static partial Regex Hostile();

    [GeneratedRegex(@"(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+|your\s+)?(previous|prior|above|earlier|preceding)?\s*(instructions|rules|prompts?|directions)|system\s+prompt|you\s+are\s+now\b|act\s+as\s+(an?|the)\b|jailbreak|developer\s+mode|\bDAN\b|reveal\s+(your|the)\s+(prompt|instructions)|new\s+instructions\s*:|pretend\s+(to\s+be|you\s+are)", RegexOptions.IgnoreCase)]
    private static partial Regex PromptInjection();
}
