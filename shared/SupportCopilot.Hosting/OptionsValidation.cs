using Microsoft.Extensions.Options;

namespace SupportCopilot.Hosting;

/// <summary>
/// A compact <see cref="IValidateOptions{TOptions}"/>: each rule is a condition and a message that
/// names the configuration key, so a bad setting stops the process at start with one clear line.
/// </summary>
public sealed class OptionsRules<TOptions>(params (Func<TOptions, bool> Broken, string Message)[] rules) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = rules.Where(rule => rule.Broken(options)).Select(rule => rule.Message).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
