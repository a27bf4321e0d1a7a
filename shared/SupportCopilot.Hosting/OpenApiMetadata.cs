using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SupportCopilot.Hosting;

public static class OpenApiMetadata
{
    /// <summary>
    /// Documents a JSON request body that the handler reads itself. <c>Accepts&lt;T&gt;()</c> would
    /// also make routing answer 415 to other content types, while our handlers answer them with a
    /// problem that names the field (<c>contentType</c>), as clients of the API expect.
    /// </summary>
    public static RouteHandlerBuilder DocumentsJsonBody<T>(this RouteHandlerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
    }
}
