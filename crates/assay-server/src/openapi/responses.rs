//! The answers many operations share (`#/components/responses/…`): errors as the JSON error
//! document, with the headers the service sends with them, and the dashboard's pages and
//! redirects. Operations refer to them by type (`(status = 404, response = NotFound)`).

use serde_json::json;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Header, Ref, RefOr, Response, ResponseBuilder};

/// A JSON error answer (`{"error": "…"}`) described by `description`, with an example message.
fn json_error(description: &str, example: Option<&str>) -> ResponseBuilder {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Error")))
        .example(example.map(|e| json!({ "error": e })))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content("application/json", content)
}

/// A text header with a fixed value.
fn fixed_header(value: &str) -> Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([value])),
        )
        .description(Some(format!("`{value}`")))
        .build()
}

/// A text header whose value is described in words.
fn text_header(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .build()
}

/// `Retry-After: 1`, sent with 429, 503 and 507 (`crate::api::ApiError`).
fn retry_after() -> Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .examples([json!(1)]),
        )
        .description(Some("Seconds to wait before retrying (always 1)."))
        .build()
}

/// An HTML page.
fn html(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "text/html",
        ContentBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build(),
    )
}

/// A `303 See Other` to `location`.
fn redirect(description: &str, location: &str) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .header("Location", fixed_header(location))
}

/// Declares a shared answer: a unit type whose `ToResponse` gives its name and content.
macro_rules! shared_response {
    ($(#[$doc:meta])* $name:ident => $build:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), RefOr::T($build.build()))
            }
        }
    };
}

shared_response!(
    /// 400: the request is wrong.
    BadRequest => json_error(
        "The request is wrong; the message names the field (with its path in a JSON body), \
         parameter, column or line. Malformed query or path values (e.g. a non-integer `limit` \
         or token id) get the framework's message, as the same JSON error document.",
        Some("monitor: window.rows: invalid value: -1, expected a whole number (expected JSON with name, suite, reference_profile, window)"),
    )
);

shared_response!(
    /// 401: no token, or an unknown or revoked one.
    Unauthorized => json_error(
        "No token, or an unknown or revoked one.",
        Some("missing API token: send `Authorization: Bearer TOKEN` (make one with `assay token create`)"),
    )
    .header("WWW-Authenticate", fixed_header("Bearer realm=\"assay\""))
);

shared_response!(
    /// 403: the token's role is too low.
    Forbidden => json_error(
        "The token's role is below the one the endpoint needs.",
        Some("this endpoint needs the admin role; the token is a writer"),
    )
);

shared_response!(
    /// 404: no such monitor, window, report or token.
    NotFound => json_error(
        "No such monitor, window, report or token.",
        Some("no monitor named `churn`"),
    )
);

shared_response!(
    /// 409: a monitor of that name exists.
    Conflict => json_error("A monitor of that name exists.", Some("a monitor named `churn` exists"))
);

shared_response!(
    /// 413: the body is over `--max-body-mb`.
    PayloadTooLarge => json_error(
        "The body is larger than `--max-body-mb` (default 64 MiB).",
        Some("Failed to buffer the request body: length limit exceeded"),
    )
);

shared_response!(
    /// 415: a `Content-Type` the operation does not read.
    UnsupportedMediaType => json_error(
        "The `Content-Type` is not one of the accepted formats.",
        Some("Content-Type `text/plain`: send application/x-ndjson (JSON Lines), text/csv or application/vnd.apache.arrow.stream"),
    )
);

shared_response!(
    /// 429: overloaded.
    TooManyRequests => json_error(
        "Overloaded: every ingest slot stayed busy for `--queue-wait`, or more closed windows \
         than `--max-pending-windows` wait for evaluation. Nothing was stored; retry later.",
        Some("overloaded: every ingest slot is busy; retry later"),
    )
    .header("Retry-After", retry_after())
);

shared_response!(
    /// 500: the database or the handler failed.
    InternalError => json_error(
        "The database failed (other than unavailable or full), or the request's handler failed unexpectedly.",
        None,
    )
);

shared_response!(
    /// 503: the database is unavailable.
    ServiceUnavailable => json_error(
        "The database is unavailable (down, unreachable, or busy past its timeout); nothing was stored. Retry later.",
        Some("the database is unavailable (pool timed out while waiting for an open connection); nothing was stored: retry later"),
    )
    .header("Retry-After", retry_after())
);

shared_response!(
    /// 507: the database's disk is full.
    InsufficientStorage => json_error(
        "The database's disk is full; nothing was stored. Retry when space is freed.",
        Some("the database's disk is full (database or disk is full); nothing was stored: retry when space is freed"),
    )
    .header("Retry-After", retry_after())
);

shared_response!(
    /// A dashboard page.
    HtmlPage => html("The page.")
);

shared_response!(
    /// A redirect to the dashboard.
    RedirectToDashboard => redirect("Redirect to `/ui/`.", "/ui/")
);

shared_response!(
    /// A redirect to the sign-in page.
    RedirectToLogin => redirect("Not signed in (no valid token); redirect to `/ui/login`.", "/ui/login")
);

shared_response!(
    /// Signed in: the cookie is set.
    SignedIn => ResponseBuilder::new()
        .description("Signed in; the cookie is set.")
        .header("Set-Cookie", text_header("`assay_token=TOKEN; Path=/; HttpOnly; SameSite=Strict`"))
        .header(
            "Location",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String).pattern(Some("^/ui/")))
                .description(Some("`next`, or `/ui/`: always a dashboard path."))
                .build(),
        )
);

shared_response!(
    /// Signed out: the cookie is cleared.
    SignedOut => ResponseBuilder::new()
        .description("Signed out.")
        .header(
            "Set-Cookie",
            text_header("`assay_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`"),
        )
        .header("Location", fixed_header("/ui/login"))
);

shared_response!(
    /// The sign-in form again, with the error.
    LoginRefused => html("The token is not valid (or was revoked); the sign-in form again, with the error.")
);
