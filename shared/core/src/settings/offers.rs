//! The `notifications.offers` row: telling waiting clients that a slot became free. Both kinds
//! go only to clients who asked (a waitlist entry, or earlier-slot offers on their booking),
//! so they are on by default; a business turns either off, or a channel of it.

use super::ChannelChoice;
use super::reengagement::is_http_url;
use serde::{Deserialize, Serialize};

/// How many clients hear of one freed slot when the business does not say.
pub const DEFAULT_OFFERS_PER_SLOT: u8 = 3;
/// At most this many: beyond it, a freed slot would be a broadcast.
pub const MAX_OFFERS_PER_SLOT: u8 = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidOffers {
    #[error("per_slot must be between 1 and {MAX_OFFERS_PER_SLOT}")]
    PerSlot,
    #[error(
        "booking_url must be an http(s) URL of at most 2048 characters holding {{token}}, e.g. https://salon.example/book?offer={{token}}"
    )]
    BookingUrl,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "OffersInput")]
pub struct OfferSettings {
    /// To clients on the waitlist whose window the slot fits (default: both channels).
    #[schema(required = false)]
    pub slot_available: ChannelChoice,
    /// To clients holding a later booking of the same type who asked for earlier slots
    /// (default: both channels).
    #[schema(required = false)]
    pub earlier_slot: ChannelChoice,
    /// How many clients to tell per freed slot: waitlist entries oldest first, then later
    /// bookings earliest-booked first.
    #[schema(required = false, minimum = 1, maximum = 20, default = 3)]
    pub per_slot: u8,
    /// Earlier-slot offers only to clients of the same staff member.
    #[schema(required = false, default = false)]
    pub same_staff: bool,
    /// Where the offer's link leads: the business's booking page, with `{token}` (the slot and
    /// the client, signed with the business's key).
    pub booking_url: Option<OfferUrl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OffersInput {
    #[serde(default = "both")]
    slot_available: ChannelChoice,
    #[serde(default = "both")]
    earlier_slot: ChannelChoice,
    #[serde(default = "default_per_slot")]
    per_slot: u8,
    #[serde(default)]
    same_staff: bool,
    #[serde(default)]
    booking_url: Option<String>,
}

fn both() -> ChannelChoice {
    ChannelChoice::BOTH
}

fn default_per_slot() -> u8 {
    DEFAULT_OFFERS_PER_SLOT
}

impl TryFrom<OffersInput> for OfferSettings {
    type Error = InvalidOffers;
    fn try_from(i: OffersInput) -> Result<Self, Self::Error> {
        if !(1..=MAX_OFFERS_PER_SLOT).contains(&i.per_slot) {
            return Err(InvalidOffers::PerSlot);
        }
        let booking_url = i.booking_url.map(|u| OfferUrl::parse(&u)).transpose()?;
        Ok(Self {
            slot_available: i.slot_available,
            earlier_slot: i.earlier_slot,
            per_slot: i.per_slot,
            same_staff: i.same_staff,
            booking_url,
        })
    }
}

impl OfferSettings {
    /// Whether any offer goes out at all (else a freed slot is not even looked at).
    pub fn any_on(&self) -> bool {
        self.slot_available.is_enabled() || self.earlier_slot.is_enabled()
    }
}

impl Default for OfferSettings {
    fn default() -> Self {
        Self {
            slot_available: ChannelChoice::BOTH,
            earlier_slot: ChannelChoice::BOTH,
            per_slot: DEFAULT_OFFERS_PER_SLOT,
            same_staff: false,
            booking_url: None,
        }
    }
}

/// The booking page an offer links to, holding `{token}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String")]
pub struct OfferUrl(String);

crate::schema::string_schema!(
    OfferUrl,
    "The booking page an offer links to: an http(s) URL holding {token}.",
    "https://book.example.com/offer?token={token}",
    None,
    None
);

impl OfferUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidOffers> {
        if is_http_url(raw) && raw.contains("{token}") {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidOffers::BookingUrl)
        }
    }

    /// Tokens are `[A-Za-z0-9_.-]`: nothing to escape.
    pub fn fill(&self, token: &str) -> String {
        self.0.replace("{token}", token)
    }
}

impl From<OfferUrl> for String {
    fn from(u: OfferUrl) -> Self {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_are_on_for_three_clients_unless_the_business_says_otherwise() {
        let parsed: OfferSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, OfferSettings::default());
        assert_eq!(parsed.per_slot, 3);
        let off: OfferSettings =
            serde_json::from_str(r#"{"earlier_slot": {"email": false, "sms": false}}"#).unwrap();
        assert_eq!(off.earlier_slot, ChannelChoice::OFF);
    }

    #[test]
    fn a_cap_of_zero_or_a_booking_url_without_a_token_is_refused() {
        assert!(serde_json::from_str::<OfferSettings>(r#"{"per_slot": 0}"#).is_err());
        assert!(serde_json::from_str::<OfferSettings>(r#"{"per_slot": 21}"#).is_err());
        assert!(
            serde_json::from_str::<OfferSettings>(r#"{"booking_url": "https://s.example/book"}"#)
                .is_err()
        );
        let ok: OfferSettings =
            serde_json::from_str(r#"{"booking_url": "https://s.example/book?o={token}"}"#).unwrap();
        assert_eq!(
            ok.booking_url.unwrap().fill("abc.1.ff"),
            "https://s.example/book?o=abc.1.ff"
        );
    }
}
