//! One way to turn an SDK error into text for logs and port errors: the error code and message
//! the service sent, or the transport failure (never request content).

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata};

pub fn describe<E: std::error::Error + 'static>(error: &E) -> String {
    DisplayErrorContext(error).to_string()
}

/// The service's error code (`ConflictException`, `Throttling`, …) when there is one.
pub fn code<E: ProvideErrorMetadata>(error: &E) -> Option<&str> {
    error.code()
}
