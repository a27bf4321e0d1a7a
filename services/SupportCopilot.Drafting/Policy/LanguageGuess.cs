using System.Text.RegularExpressions;

namespace SupportCopilot.Drafting.Policy;

/// <summary>
/// Which language a ticket is in, enough to refuse the ones the drafter cannot answer: the
/// helpdesk's language tag when it names one other than English, else a count of very common
/// function words per language. Short or mixed text stays English (the drafter's language).
/// </summary>
internal static partial class LanguageGuess
{
    private static readonly Dictionary<string, HashSet<string>> FunctionWords = new()
    {
        ["en"] = Set("the and is are to of in it you my i how can what do does not with for on this that have"),
        ["de"] = Set("der die das und ist ich nicht ein eine mit wie kann zu auf für den dem sich auch mein meine wir sie es bitte habe"),
        ["fr"] = Set("le la les et est je ne pas un une avec comment pour dans sur mon ma mes vous nous il elle des du au"),
        ["es"] = Set("el la los las y es no un una con cómo como para en mi mis por que qué del al se puedo tengo"),
        ["it"] = Set("il lo la gli le e è non un una con come per nel mio mia sono che di del della ho posso"),
        ["nl"] = Set("de het een en is ik niet met hoe kan voor op mijn wij jij je dat van zijn heb"),
        ["pt"] = Set("o a os as e é não um uma com como para em meu minha eu que do da no na posso tenho"),
    };

    /// <summary>The language code when it is not English, else null.</summary>
    public static string? UnsupportedLanguage(string? declared, string text)
    {
        if (!string.IsNullOrWhiteSpace(declared))
        {
            var code = declared.Trim().ToLowerInvariant().Split('-', '_')[0];
            if (code != "en" && code != "und")
            {
                return code;
            }
        }

        var guessed = Guess(text);
        return guessed is null or "en" ? null : guessed;
    }

    /// <summary>The most likely language, or null when the text gives too little to go on.</summary>
    public static string? Guess(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
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
        return best.Value >= 3 && best.Value > 1.5 * scores["en"] ? best.Key : "en";
    }

    private static HashSet<string> Set(string words) => words.Split(' ').ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();
}
