using System.Text.RegularExpressions;

namespace SupportCopilot.Drafting.Policy;

/// <summary>
/// Which language a ticket is in, enough to refuse the ones the drafter cannot answer: the
/// helpdesk's language tag when it names one, a script other than Latin (Japanese, Chinese,
/// Cyrillic, ...), else a count of very common function words per language. Short or mixed Latin
/// text stays English (the knowledge base's language).
/// </summary>
internal static partial class LanguageGuess
{
    private static readonly Dictionary<string, HashSet<string>> FunctionWords = new()
    {
        ["en"] = Set("the and is are to of in it you my i how can what do does not with for on this that have"),
        ["de"] = Set("der die das und ist ich nicht ein eine mit wie kann zu auf für den dem sich auch mein meine wir sie es bitte habe"),
        ["fr"] = Set("le la les et est je ne pas un une avec comment pour dans sur mon ma mes vous nous il elle des du au tout"),
        ["es"] = Set("el la los las y es no un una con cómo como para en mi mis por que qué del al se puedo tengo"),
        ["it"] = Set("il lo la gli le e è non un una con come per nel mio mia sono che di del della ho posso"),
        ["nl"] = Set("de het een en is ik niet met hoe kan voor op mijn wij jij je dat van zijn heb"),
        ["pt"] = Set("o a os as e é não um uma com como para em meu minha eu que do da no na posso tenho faço"),
        ["pl"] = Set("i w nie na się jak jest do że mogę mój moja mam czy z o to witam"),
        ["tr"] = Set("ve bir bu için nasıl ne mi mı ben benim merhaba var yok ile da de"),
    };

    private static readonly (string Language, Regex Script)[] Scripts =
    [
        ("ja", Kana()),
        ("ko", Hangul()),
        ("zh", Han()),
        ("ru", Cyrillic()),
        ("ar", Arabic()),
        ("he", Hebrew()),
        ("el", Greek()),
        ("th", Thai()),
        ("hi", Devanagari()),
    ];

    /// <summary>The language code when it is not English, else null.</summary>
    public static string? UnsupportedLanguage(string? declared, string text) =>
        Detect(declared, text) is { } language && language != "en" ? language : null;

    /// <summary>
    /// The ticket's language: a declared tag other than English wins; otherwise the text decides
    /// (a helpdesk tags a ticket with the customer's account language, not what they wrote).
    /// Null when neither says anything.
    /// </summary>
    public static string? Detect(string? declared, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.IsNullOrWhiteSpace(declared))
        {
            var code = declared.Trim().ToLowerInvariant().Split('-', '_')[0];
            if (code != "en" && code != "und")
            {
                return code;
            }
        }

        return Guess(text) ?? (string.IsNullOrWhiteSpace(declared) ? null : "en");
    }

    /// <summary>The most likely language, or null when the text gives too little to go on.</summary>
    public static string? Guess(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var letters = text.Count(char.IsLetter);
        foreach (var (language, script) in Scripts)
        {
            if (letters > 0 && script.Matches(text).Count >= Math.Max(2, letters / 4))
            {
                return language;
            }
        }

        var words = Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();
        if (words.Count < 4)
        {
            return null;
        }

        var scores = FunctionWords.ToDictionary(l => l.Key, l => words.Count(w => l.Value.Contains(w)));
        var best = scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key == "en" ? 0 : 1).First();
        if (best.Key == "en")
        {
            return "en";
        }

        // Another language must clearly beat English, not just tie on shared words like "a" or "die".
        return best.Value >= 2 && best.Value > 1.5 * scores["en"] ? best.Key : "en";
    }

    private static HashSet<string> Set(string words) => words.Split(' ').ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();

    [GeneratedRegex(@"[\p{IsHiragana}\p{IsKatakana}]")]
    private static partial Regex Kana();

    [GeneratedRegex(@"\p{IsHangulSyllables}")]
    private static partial Regex Hangul();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();

    [GeneratedRegex(@"\p{IsCyrillic}")]
    private static partial Regex Cyrillic();

    [GeneratedRegex(@"\p{IsArabic}")]
    private static partial Regex Arabic();

    [GeneratedRegex(@"\p{IsHebrew}")]
    private static partial Regex Hebrew();

    [GeneratedRegex(@"\p{IsGreekandCoptic}")]
    private static partial Regex Greek();

    [GeneratedRegex(@"\p{IsThai}")]
    private static partial Regex Thai();

    [GeneratedRegex(@"\p{IsDevanagari}")]
    private static partial Regex Devanagari();
}
