//! Personal data kept to what is needed: what must outlive a client's erasure (an address that
//! bounced, complained or unsubscribed; a number that texted STOP) is kept under a keyed hash
//! of the address ([`Pseudonyms`]), and a provider's words recorded with a message lose any
//! address or number they quote ([`redact_contacts`]).

mod digest;
mod redact;

pub use digest::{AddressDigest, Pseudonyms};
pub use redact::redact_contacts;
