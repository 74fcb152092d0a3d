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

/// A provider's refusal as the delivery port sees it: permanent when the service's error code
/// says retrying cannot help, temporary otherwise (throttling and 5xx are already retried by
/// the SDK by then).
pub fn send_error<E>(error: &E, permanent_codes: &[&str]) -> rappel_ports::delivery::SendError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    use rappel_ports::delivery::SendError;
    let reason = describe(error);
    match code(error) {
        Some(c) if permanent_codes.contains(&c) => SendError::Permanent(reason),
        _ => SendError::Transient(reason),
    }
}
