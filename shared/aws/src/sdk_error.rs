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
/// the SDK by then). The code is what logs and function errors carry; the service's message
/// (which may quote the recipient) stays in the detail, for the communication history only.
pub fn send_error<E>(error: &E, permanent_codes: &[&str]) -> rappel_ports::delivery::SendError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    use rappel_ports::delivery::SendError;
    let detail = describe(error);
    match code(error) {
        Some(c) if permanent_codes.contains(&c) => SendError::permanent(c, detail),
        Some(c) if THROTTLING_CODES.contains(&c) => SendError::throttled(c, detail),
        Some(c) => SendError::transient(c, detail),
        // No service answer: a timeout or a dropped connection (no personal data in those).
        None => SendError::transient(transport_code(&detail), detail),
    }
}

/// The codes AWS services answer "too fast" with (SES v2, SNS, DynamoDB, the SDK's own).
const THROTTLING_CODES: [&str; 6] = [
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
];

/// A short name for a failure without a service error code, from the SDK's error kinds.
fn transport_code(detail: &str) -> &'static str {
    if detail.contains("timeout") || detail.contains("timed out") {
        "Timeout"
    } else if detail.contains("dispatch failure") || detail.contains("io error") {
        "DispatchFailure"
    } else {
        "TransportError"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_sesv2::operation::send_email::SendEmailError;

    #[test]
    fn a_provider_message_quoting_the_recipient_stays_out_of_the_error_text() {
        let rejected = SendEmailError::generic(
            ErrorMetadata::builder()
                .code("MessageRejected")
                .message("Email address is not verified: lea@example.fr")
                .build(),
        );
        let error = send_error(&rejected, &["MessageRejected"]);
        assert!(!error.to_string().contains("lea@"), "{error}");
        assert_eq!(error.code(), "MessageRejected");
        assert!(
            error.detail().contains("lea@example.fr"),
            "kept for the history"
        );

        let throttled = SendEmailError::generic(
            ErrorMetadata::builder()
                .code("TooManyRequestsException")
                .message("Maximum sending rate exceeded for +33612345678")
                .build(),
        );
        let error = send_error(&throttled, &["MessageRejected"]);
        assert!(matches!(
            error,
            rappel_ports::delivery::SendError::Throttled { .. }
        ));
        assert!(!error.to_string().contains("+336"), "{error}");
    }
}
