//! What goes wrong in a request, as an HTTP status and a JSON body
//! `{"error": MESSAGE}` whose message is the one the command line prints
//! after `pcapdig: ` (a bad expression adds where it is wrong, for the
//! page's caret).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pcap_core::filter::ParseError;

/// An error response.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    /// For a bad expression: where in it, for the caret.
    pub(crate) parse: Option<ParseError>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            parse: None,
        }
    }

    /// 400: the request is wrong (an expression, a time, a parameter).
    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 for an expression that does not parse, with the command
    /// line's message (`expression: ...` and the caret lines).
    pub(crate) fn expression(e: ParseError) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!("expression: {e}"),
            parse: Some(e),
        }
    }

    /// 404: no such session (or route).
    pub(crate) fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 409: a capture changed (or went missing) since it was indexed.
    pub(crate) fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 413: more than the server's caps allow.
    pub(crate) fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// 500: the server's own failure (the database, a temporary file).
    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// A store error met while searching or reading the database: the
    /// database's failure, not the request's.
    pub(crate) fn store(e: crate::store::StoreError) -> ApiError {
        ApiError::internal(crate::error_text(e.as_ref()))
    }

    /// A carve's error: an I/O error is the server's (its temporary
    /// output); anything else is about the captures read — changed,
    /// moved, damaged — and is a conflict with the index.
    pub(crate) fn carve(e: crate::store::StoreError) -> ApiError {
        let text = crate::error_text(e.as_ref());
        if e.downcast_ref::<std::io::Error>().is_some() {
            ApiError::internal(text)
        } else {
            ApiError::conflict(text)
        }
    }
}

/// The JSON body of an error.
#[derive(serde::Serialize)]
struct Body<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression: Option<Caret<'a>>,
}

/// Where an expression is wrong.
#[derive(serde::Serialize)]
struct Caret<'a> {
    input: &'a str,
    message: &'a str,
    /// Byte offset of the offending token.
    position: usize,
    /// Its length in bytes (0 at the end of input).
    len: usize,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: &self.message,
            expression: self.parse.as_ref().map(|p| Caret {
                input: p.input(),
                message: p.message(),
                position: p.position(),
                len: p.len(),
            }),
        };
        (self.status, Json(body)).into_response()
    }
}
