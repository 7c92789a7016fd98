namespace MailStack.Proxy;

/// <summary>The error shapes of the API: handler errors <c>{ok:false, detail}</c>, validation 422 <c>{detail:[…]}</c>.</summary>
public static class Errors
{
    public static IResult Unauthorized(string detail) => Results.Json(new { ok = false, detail }, statusCode: StatusCodes.Status401Unauthorized);

    public static IResult Forbidden(string detail) => Results.Json(new { ok = false, detail }, statusCode: StatusCodes.Status403Forbidden);

    public static IResult NotFound(string detail) => Results.Json(new { ok = false, detail }, statusCode: StatusCodes.Status404NotFound);

    public static IResult BadRequest(string detail) => Results.Json(new { ok = false, detail }, statusCode: StatusCodes.Status400BadRequest);

    public static IResult Validation(string[] loc, string msg, string type = "value_error") =>
        Results.Json(new { detail = new[] { new { loc, msg, type } } }, statusCode: StatusCodes.Status422UnprocessableEntity);
}
