//! Invoices and quotes a business sends its clients: what Rappel needs to remind them — the
//! amount, the number, the dates, where to view or pay, and whether it is still open.

use super::{ClientId, Currency, InvalidId, Money, TenantId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

super::ids::id_type!(
    /// One invoice of a business (the business's own id).
    InvoiceId,
    "invoice id"
);
super::ids::id_type!(
    /// One quote of a business (the business's own id).
    QuoteId,
    "quote id"
);

/// The number printed on the document ("F-2026-0042"): 1 to 64 visible characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentNumber(String);

crate::schema::string_schema!(
    DocumentNumber,
    "The business's own number for an invoice or a quote: 1 to 64 characters, no control characters.",
    "F-2026-0042",
    None,
    Some(64)
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("number must be 1 to 64 characters without control characters")]
pub struct InvalidDocumentNumber;

impl DocumentNumber {
    pub fn parse(raw: &str) -> Result<Self, InvalidDocumentNumber> {
        let trimmed = raw.trim();
        let ok = !trimmed.is_empty()
            && trimmed.chars().count() <= 64
            && !trimmed.chars().any(char::is_control);
        if ok {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(InvalidDocumentNumber)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DocumentNumber {
    type Error = InvalidDocumentNumber;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<DocumentNumber> for String {
    fn from(n: DocumentNumber) -> String {
        n.0
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the client views or pays the document: an absolute http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentUrl(String);

crate::schema::string_schema!(
    DocumentUrl,
    "Where the client reads or pays the document: an http(s) URL.",
    "https://pay.example.com/i/F-2026-0042",
    None,
    None
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("url must be an http(s) URL of at most 2048 characters without spaces")]
pub struct InvalidDocumentUrl;

impl DocumentUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidDocumentUrl> {
        if crate::settings::is_http_url(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidDocumentUrl)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DocumentUrl {
    type Error = InvalidDocumentUrl;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<DocumentUrl> for String {
    fn from(u: DocumentUrl) -> String {
        u.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Issued,
    Paid,
    Void,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Paid => "paid",
            Self::Void => "void",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Invoice {
    pub tenant: TenantId,
    pub id: InvoiceId,
    pub client_id: ClientId,
    pub number: DocumentNumber,
    /// In minor units of `currency` (cents; yen).
    pub amount: i64,
    pub currency: Currency,
    pub issued_at: DateTime<Utc>,
    /// A calendar day in the business's zone.
    pub due_date: NaiveDate,
    pub url: Option<DocumentUrl>,
    pub status: InvoiceStatus,
    /// `false`: this write tells the client nothing (an import, a correction).
    pub notify: bool,
    pub version: u64,
}

impl Invoice {
    pub fn money(&self) -> Money {
        Money {
            minor_units: self.amount,
            currency: self.currency,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Sent,
    Accepted,
    Declined,
    Expired,
}

impl QuoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Quote {
    pub tenant: TenantId,
    pub id: QuoteId,
    pub client_id: ClientId,
    pub number: DocumentNumber,
    pub amount: i64,
    pub currency: Currency,
    pub issued_at: DateTime<Utc>,
    /// The last calendar day (business's zone) the quote can be accepted.
    pub expires_on: NaiveDate,
    pub url: Option<DocumentUrl>,
    pub status: QuoteStatus,
    pub notify: bool,
    pub version: u64,
}

impl Quote {
    pub fn money(&self) -> Money {
        Money {
            minor_units: self.amount,
            currency: self.currency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_number_is_short_visible_text() {
        assert_eq!(
            DocumentNumber::parse(" F-2026-42 ").unwrap().as_str(),
            "F-2026-42"
        );
        assert!(DocumentNumber::parse("").is_err());
        assert!(DocumentNumber::parse("a\nb").is_err());
        assert!(DocumentNumber::parse(&"9".repeat(65)).is_err());
    }

    #[test]
    fn a_document_url_is_an_http_address() {
        assert!(DocumentUrl::parse("https://pay.example/i/42").is_ok());
        assert!(DocumentUrl::parse("javascript:alert(1)").is_err());
        assert!(DocumentUrl::parse("https://a b").is_err());
    }
}
