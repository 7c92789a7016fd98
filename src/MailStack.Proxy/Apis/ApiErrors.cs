using MailStack.Proxy.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailStack.Proxy.Apis;

/// <summary>The API's error results: <c>{"ok":false,"detail":"…"}</c> for handler errors, FastAPI's shape for 422.</summary>
public static class ApiErrors
{
    public static JsonHttpResult<ApiError> Forbidden(string detail) =>
        TypedResults.Json(new ApiError(detail), WireJson.Options, statusCode: StatusCodes.Status403Forbidden);

    public static NotFound<ApiError> NotFound(string detail) => TypedResults.NotFound(new ApiError(detail));

    public static BadRequest<ApiError> BadRequest(string detail) => TypedResults.BadRequest(new ApiError(detail));

    public static UnprocessableEntity<ValidationErrors> Validation(ValidationError error) => TypedResults.UnprocessableEntity(new ValidationErrors(error));
}
