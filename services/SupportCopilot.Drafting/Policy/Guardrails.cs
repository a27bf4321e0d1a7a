using System.Globalization;
using System.Text.RegularExpressions;
using SupportCopilot.Contracts;

namespace SupportCopilot.Drafting.Policy;

/// <summary>A guardrail that fired: its category, the sentence for the agent and what detected it.</summary>
/// <param name="Source"><c>rules</c> (the ticket's text), <c>retrieval</c> (what the knowledge base holds) or <c>triage</c> (the model).</param>
/// <param name="Detail">For a language flag, the language found.</param>
internal sealed record GuardrailFlag(string Category, string Reason, string Source, string? Detail = null)
{
    /// <summary><c>guarded:billing</c>, ...; language flags keep their established <c>unsupported_language:de</c>.</summary>
    public string Code => Category == Guardrails.UnsupportedLanguage ? "unsupported_language:" + (Detail ?? "unknown") : "guarded:" + Category;
}

/// <summary>What retrieval and triage found, for the guardrails that need more than the ticket's words.</summary>
/// <param name="TopCoverage">Share of the ticket's weight in the best passage; null when retrieval did not run.</param>
/// <param name="OutOfVocabulary">Share of the ticket's weight in words no passage contains; null when retrieval did not run.</param>
/// <param name="UncoveredQuestions">Questions of a multi-question ticket that no passage covers.</param>
/// <param name="AnswerLanguages">Languages the drafter answers in; empty: any.</param>
/// <param name="TriageCategory">The triage model's category, when a model triaged the ticket.</param>
/// <param name="TriageAnswerable">The triage model's view of whether the knowledge base can answer it.</param>
/// <param name="SectionProbability">The section re-ranker's probability that the best passage answers the ticket; null without re-ranking.</param>
internal sealed record GuardrailEvidence(
    double? TopCoverage,
    double? OutOfVocabulary,
    IReadOnlyList<string> UncoveredQuestions,
    IReadOnlyList<string> AnswerLanguages,
    string? TriageCategory = null,
    bool? TriageAnswerable = null,
    double? SectionProbability = null)
{
    public static GuardrailEvidence TextOnly { get; } = new(null, null, [], ["en"]);
}

/// <summary>
/// Never auto-send, whatever the confidence, and say why. Rules err on the side of guarding (a false
/// alarm costs an agent a glance, a wrong auto-send costs a customer); the triage model, when one is
/// configured, adds what paraphrases slip past the rules. Every category that applies is reported.
/// </summary>
internal sealed partial class Guardrails
{
    public const string Billing = "billing";
    public const string Legal = "legal";
    public const string Security = "security";
    public const string Privacy = "privacy";
    public const string Hostile = "hostile";
    public const string PromptInjection = "prompt_injection";
    public const string OutOfScope = "out_of_scope";
    public const string Unclear = "unclear";
    public const string UnsupportedLanguage = "unsupported_language";
    public const string PartlyAnswerable = "partly_answerable";

    /// <summary>Built-in categories with their sentence for the review item and their text rule (null: not a text rule).</summary>
    public static IReadOnlyDictionary<string, (string Reason, Regex? Rule)> BuiltIn { get; } = new Dictionary<string, (string, Regex?)>(StringComparer.Ordinal)
    {
        [Billing] = ("Billing disputes, charges and refunds go to a person.", BillingRule()),
        [Legal] = ("Legal threats and legal requests go to a person.", LegalRule()),
        [Security] = ("Possible security incidents (leaked keys, unknown sign-ins, breaches) go to a person.", SecurityRule()),
        [Privacy] = ("Privacy requests (deletion, export, someone else's data) go to a person.", PrivacyRule()),
        [Hostile] = ("Angry or churning customers go to a person.", HostileRule()),
        [PromptInjection] = ("The ticket gives the assistant instructions or asks for its prompt.", PromptInjectionRule()),
        [OutOfScope] = ("The knowledge base does not cover this ticket.", null),
        [Unclear] = ("The ticket is unclear or refers to something we cannot see (an attachment, an earlier conversation).", UnclearRule()),
        [UnsupportedLanguage] = ("The ticket is in a language the drafter does not answer in.", null),
        [PartlyAnswerable] = ("The ticket asks several things and the knowledge base answers only some of them.", null),
    };

    private readonly IReadOnlyList<(string Category, string Reason, IReadOnlyList<Regex> Rules)> _textRules;
    private readonly Dictionary<string, string> _reasons;
    private readonly HashSet<string> _enabled;

    public Guardrails(GuardrailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        _enabled = new HashSet<string>(StringComparer.Ordinal);
        var rules = new List<(string, string, IReadOnlyList<Regex>)>();
        var names = BuiltIn.Keys.Concat(options.Categories.Keys.Select(Normalize)).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var configured = options.Categories.FirstOrDefault(c => Normalize(c.Key) == name).Value;
            if (configured is { Enabled: false })
            {
                continue;
            }

            var builtIn = BuiltIn.TryGetValue(name, out var b) ? b : (Reason: $"The ticket is in the guarded category '{name}'.", Rule: null);
            var reason = string.IsNullOrWhiteSpace(configured?.Reason) ? builtIn.Reason : configured.Reason;
            _enabled.Add(name);
            _reasons[name] = reason;
            var patterns = new List<Regex>();
            if (builtIn.Rule is not null)
            {
                patterns.Add(builtIn.Rule);
            }

            patterns.AddRange((configured?.Patterns ?? []).Select(p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))));
            if (patterns.Count > 0)
            {
                rules.Add((name, reason, patterns));
            }
        }

        _textRules = rules;
    }

    public GuardrailOptions Options { get; }

    public IReadOnlyCollection<string> Categories => _enabled;

    public bool IsGuarded(string category) => _enabled.Contains(Normalize(category));

    /// <summary>Every guardrail that applies to the ticket, given what retrieval and triage found.</summary>
    public IReadOnlyList<GuardrailFlag> Check(TicketContent ticket, GuardrailEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(evidence);
        var text = (ticket.Subject + "\n" + ticket.Body).Trim();
        var flags = new List<GuardrailFlag>();
        foreach (var (category, reason, rules) in _textRules)
        {
            if (rules.Any(r => r.IsMatch(text)))
            {
                flags.Add(new(category, reason, "rules"));
            }
        }

        if (_enabled.Contains(Unclear) && flags.All(f => f.Category != Unclear) && IsGibberishOrTooShort(text))
        {
            flags.Add(new(Unclear, _reasons[Unclear], "rules"));
        }

        if (_enabled.Contains(UnsupportedLanguage) && evidence.AnswerLanguages.Count > 0)
        {
            var language = LanguageGuess.Detect(ticket.Language, text);
            if (language is not null && !evidence.AnswerLanguages.Contains(language, StringComparer.OrdinalIgnoreCase))
            {
                flags.Add(new(
                    UnsupportedLanguage,
                    $"The ticket is in '{language}'; the drafter answers in {string.Join(", ", evidence.AnswerLanguages)} only.",
                    "rules",
                    language));
            }
        }

        if (_enabled.Contains(OutOfScope) && evidence.TopCoverage is { } coverage && coverage < Options.MinTopCoverage)
        {
            flags.Add(new(
                OutOfScope,
                string.Create(CultureInfo.InvariantCulture, $"{_reasons[OutOfScope]} The best passage holds {coverage:0.00} of the ticket's words (at least {Options.MinTopCoverage:0.00} needed)."),
                "retrieval"));
        }

        if (_enabled.Contains(OutOfScope) && evidence.OutOfVocabulary is { } unknown && unknown > Options.MaxOutOfVocabulary && flags.All(f => f.Category != OutOfScope))
        {
            flags.Add(new(
                OutOfScope,
                string.Create(CultureInfo.InvariantCulture, $"{_reasons[OutOfScope]} {unknown:0.00} of the ticket's words appear nowhere in it."),
                "retrieval"));
        }

        // The coverage rules above ask whether the ticket's words are in the knowledge base; this asks
        // whether the best section reads like an answer to them (a table-block question matching
        // only the CSV-import section holds enough words, but not the answer).
        if (_enabled.Contains(OutOfScope) && evidence.SectionProbability is { } probability && probability < Options.MinSectionProbability && flags.All(f => f.Category != OutOfScope))
        {
            flags.Add(new(
                OutOfScope,
                // Not the category's own sentence ("does not cover"): the words are there, what is in
                // doubt is whether the best section answers them. Rounded down, so that a probability
                // just under the floor never reads as equal to it.
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"No section clearly answers this ticket: the best one found is more likely not to (re-ranker probability {Math.Floor(probability * 1000) / 1000:0.000}, at least {Options.MinSectionProbability:0.00} needed)."),
                "retrieval"));
        }

        if (_enabled.Contains(PartlyAnswerable) && evidence.UncoveredQuestions.Count > 0)
        {
            flags.Add(new(
                PartlyAnswerable,
                $"{_reasons[PartlyAnswerable]} Not covered: \"{string.Join("\", \"", evidence.UncoveredQuestions)}\"",
                "retrieval"));
        }

        if (evidence.TriageCategory is { } triaged && IsGuarded(triaged) && flags.All(f => f.Category != Normalize(triaged)))
        {
            var category = Normalize(triaged);
            flags.Add(new(category, _reasons[category] + " (triage model)", "triage"));
        }

        if (evidence.TriageAnswerable == false && _enabled.Contains(OutOfScope) && flags.All(f => f.Category != OutOfScope))
        {
            flags.Add(new(OutOfScope, _reasons[OutOfScope] + " (triage model)", "triage"));
        }

        return flags;
    }

    /// <summary>Keyboard mash, or too few real words to know what is asked.</summary>
    public static bool IsGibberishOrTooShort(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = Word().Matches(text).Select(m => m.Value).ToList();
        if (words.Count < 3 && !NonLatinScript().IsMatch(text))
        {
            return true;
        }

        // Latin words with no vowel or long consonant runs ("qwpeoi", "znxbcv") are not words.
        var latin = words.Where(w => LatinWord().IsMatch(w)).ToList();
        if (latin.Count < 3)
        {
            return false;
        }

        var odd = latin.Count(w => w.Length > 2 && (!Vowel().IsMatch(w) || ConsonantRun().IsMatch(w) || KeyboardRow().IsMatch(w)));
        return odd >= 0.4 * latin.Count;
    }

    private static string Normalize(string category) => category.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');

    [GeneratedRegex(@"\b(refunds?|refunded|refunding|reimburs\w*|charge[sd]?|charging|chargebacks?|overcharg\w*|double[- ]charged|billing|billed|bills?|payments?|paid|paying|money\s+back|credit\s+(card|note)|credit\s+our|debit(ed)?|prorat\w*|price\s+went\s+up|disput\w*|the\s+difference\s+back|took\s+\d|\d+\s*(usd|eur|gbp|dollars|euros)|[$€£]\s*\d)", RegexOptions.IgnoreCase)]
    private static partial Regex BillingRule();

    [GeneratedRegex(@"\b(lawyers?|attorneys?|solicitors?|counsel|legal\s+(action|team|department|steps|proceedings|notice)|legally|lawsuit|sue|suing|court|litigation|small\s+claims|consumer\s+protection|ombudsman|breach\s+of\s+contract|liable|liability|damages|subpoena|formal\s+notice|trademark|infring\w*|dmca|takedown|custodian|(data\s+processing|master\s+services)\s+agreement|dpa|redlines?|terms\s+of\s+service|unenforceable)\b", RegexOptions.IgnoreCase)]
    private static partial Regex LegalRule();

    [GeneratedRegex(@"\b(hacked|hacker|breach(ed)?|compromised|unauthori[sz]ed|phishing|malware|vulnerabilit(y|ies)|exploit|leak(ed|s)?|stolen|suspicious|security\s+(incident|issue|hole)|someone\s+(else\s+)?(logged|signed)\s+in(to)?|logged\s+into\s+my|never\s+been\s+there|didn'?t\s+request|did\s+not\s+request|not\s+ours|isn'?t\s+ours|didn'?t\s+create|lock\s+(it|my\s+account)|(token|key|password|codes?)\s+(was|were)\s+(posted|pasted|shared|sent)|pasted\s+my\s+(api\s+)?(token|key|password)|public\s+(github|repo)|outside\s+the\s+company\s+may\s+have|soc\b|ids?\s+can\s+be\s+guessed|can\s+be\s+guessed|responsibly)", RegexOptions.IgnoreCase)]
    private static partial Regex SecurityRule();

    [GeneratedRegex(@"\b(gdpr|ccpa|dsar|article\s+1[5-7]|data\s+subject|right\s+to\s+(be\s+forgotten|erasure|access)|personal\s+(data|information)|delete\s+(all\s+)?(my|our)\s+(account|data|information|personal)|delete\s+all\s+(personal\s+)?data|data\s+deletion|erase\s+(a|my|our|the)|privacy\s+(request|policy|officer)|data\s+protection|do\s+not\s+sell|third\s+parties|where\s+(is\s+my\s+data|are\s+they)\s+stored|(her|his|their|someone\s+else'?s)\s+(notes|pages|account|data|email)|ex-partner|passed\s+away|death\s+certificate|ip\s+addresses|login\s+times|holds?\s+a\s+quillstack\s+account|whether\s+a\s+particular\s+person|marketing\s+lists|analytics|private\s+workspace\s+pages|investigation)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PrivacyRule();

    // Case-sensitive on purpose: words inside (?i:...), shouting ("AGAIN", "NOW!!") in capitals outside;
    // a capitalised word without a vowel is an acronym (TTFT, RLHF), not a raised voice.
    [GeneratedRegex(@"(?i:\b(cancel\w*|unsubscribe|not\s+renewing|won'?t\s+renew|switch(ing)?\s+to\s+(a\s+)?(competitor|another\s+(app|tool|service)|notion|evernote|google\s+docs|obsidian)|moving\s+(\w+\s+){0,3}to\s+(notion|evernote|google|obsidian|another|a\s+competitor)|going\s+back\s+to|i'?m\s+leaving|or\s+i'?m\s+leaving|evaluating\s+alternatives|convince\s+me|churn|unacceptable|unbelievable|ridiculous|outrageous|terrible|awful|horrible|worst|a\s+joke|furious|angry|livid|fed\s+up|sick\s+of|hates?|frustrat\w*|harass\w*|scam|useless|garbage|rubbish|pathetic|incompetent|don'?t\s+care|is\s+anyone\s+even|third\s+time|fifth\s+time|five\s+times|i'?m\s+done|wtf|damn|crap|shit\w*|fuck\w*)\b|!!!|\?\?)|\b(?!(?:API|HTML|JSON|HTTP|HTTPS|GDPR|CCPA|SAML|SCIM|OAUTH|URGENT|TODO|UTF|YAML|HIPAA|PDF|CSV)\b)(?=[A-Z]*[AEIOU])[A-Z]{4,}\b")]
    private static partial Regex HostileRule();

    [GeneratedRegex(@"(ignore|disregard|forget|skip)\s+(all\s+|any\s+|the\s+|your\s+)?(previous|prior|above|earlier|preceding)?\s*(instructions|rules|prompts?|directions|knowledge\s+base|review(\s+queue)?)|(your|its|the\s+(assistant|bot|ai)'?s?)\s+(\w+\s+)?system\s*prompt|^\s*system\s*:|\bsystem\s*:|\bassistant\s+instructions|hidden\s+rules|what\s+rules\s+were\s+you\s+given|list\s+them\s+word\s+for\s+word|print\s+everything|above\s+this\s+message|you\s+are\s+now\b|act\s+as\s+(an?|the)\b|as\s+the\s+ai\b|ai\s+assistant|jailbreak|developer\s+mode|\bDAN\b|reveal\s+(your|the)\s+(prompt|instructions)|new\s+instructions\s*:|pretend\s+(to\s+be|you\s+are)|\[/?INST\]|<\s*/?\s*(source|ticket|system|instructions?)\b|respond\s+only\s+with|then\s+follow\s+it|without\s+(human\s+)?review|mark\s+this\s+ticket\s+as", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex PromptInjectionRule();

    [GeneratedRegex(@"\b(attach(ed|ment|ments)?|screenshots?|screen\s*shot|see\s+(the\s+)?(image|video|file|log|below|above)|the\s+(video|recording|log\s+file|file)\s+I\s+sent|same\s+(problem|issue|thing)\s+as\s+(before|last\s+time)|as\s+(I\s+)?(mentioned|said|discussed|agreed)|like\s+we\s+agreed|previous\s+(ticket|email|message|conversation)|my\s+last\s+(ticket|email|message)|on\s+the\s+phone|any\s+update|following\s+up|the\s+fix\s+you\s+suggested|the\s+thing\s+from|it\s+happened\s+again|re:\s*re:|fwd:|(it|this|that)\s+(doesn'?t|does\s+not|isn'?t|won'?t)\s+work\s*[.!?]*\s*$)", RegexOptions.IgnoreCase)]
    private static partial Regex UnclearRule();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();

    [GeneratedRegex(@"^[a-zA-Z]+$")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"[aeiouyAEIOUY]")]
    private static partial Regex Vowel();

    [GeneratedRegex(@"[^aeiouyAEIOUY]{5,}")]
    private static partial Regex ConsonantRun();

    [GeneratedRegex(@"^(asdf\w*|qwer\w*|zxcv\w*|jkl\w*|hjk\w*|wpeo\w*|sdkf\w*|mnbv\w*)$", RegexOptions.IgnoreCase)]
    private static partial Regex KeyboardRow();

    [GeneratedRegex(@"[\p{IsCJKUnifiedIdeographs}\p{IsHiragana}\p{IsKatakana}\p{IsHangulSyllables}\p{IsCyrillic}\p{IsArabic}\p{IsHebrew}\p{IsGreekandCoptic}\p{IsThai}\p{IsDevanagari}]")]
    private static partial Regex NonLatinScript();
}
