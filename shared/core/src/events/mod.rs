//! Delivery events: one for every transition a message goes through — planned, re-planned,
//! withdrawn, then sent, suppressed, stale or failed, then bounced or complained — and for the
//! client's own actions (an unsubscribe). What an integrator receives to show "reminder sent /
//! bounced / unsubscribed" in its console. Versioned JSON carrying ids only: the business, the
//! subject, the client, the message key, its kind and channel — never an address, a name or a
//! text (the integrator holds those already).

mod delivery_event;
mod event_type;
mod webhook_endpoint;
mod webhook_signature;

pub use delivery_event::{DeliveryEvent, EVENT_VERSION, EventMessage, EventWebhook};
pub use event_type::EventType;
pub use webhook_endpoint::{
    AfterFailure, DISABLE_AFTER, InvalidWebhookUrl, MAX_ENDPOINTS, OLD_SECRET_VALID_FOR,
    SecretInForce, WebhookEndpoint, WebhookUrl, retry_delay,
};
pub use webhook_signature::{InvalidSecret, SECRET_BYTES, WebhookSecret, signature_header};

/// How old an event must be before it is listed (`GET /v1/events`) or posted where writers are
/// concurrent (AWS): longer than any write of an event takes from the instant it records, so
/// none lands behind a reader's cursor.
pub const SETTLE_WINDOW: chrono::Duration = chrono::Duration::seconds(2);
