//! A business's webhooks: its endpoints (`/v1/webhooks`) and the dispatcher that posts its
//! events to them, signed the Standard Webhooks way, in stream order, retried with backoff.

mod dispatch;
mod endpoints;

pub use dispatch::{DispatchReport, WebhookDispatch};
pub use endpoints::{
    EndpointError, EndpointState, EndpointView, NewEndpoint, create_endpoint, delete_endpoint,
    enable_endpoint, list_endpoints, rotate_secret,
};
