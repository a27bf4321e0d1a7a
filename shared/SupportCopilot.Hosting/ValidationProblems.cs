using FluentValidation.Results;
using Microsoft.AspNetCore.Http;

namespace SupportCopilot.Hosting;

public static class ValidationProblems
{
    /// <summary>RFC 7807 problem details with one entry per bad field, in camelCase JSON paths.</summary>
    public static IResult From(ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var errors = result.Errors
            .GroupBy(e => CamelCasePath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return Results.ValidationProblem(errors, title: "The request is invalid.");
    }

    /// <summary>A problem on the request as a whole (malformed JSON, wrong content type).</summary>
    public static IResult ForRequest(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is invalid.");

    private static string CamelCasePath(string path) =>
        string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
