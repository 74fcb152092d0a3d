//! The client both erasure tests erase (the local stack's and the emulator's), and the part
//! of her life both file the same way: who she is, what she texts, her invoice and her
//! waitlist entry.

use crate::CallsApi;
use serde_json::json;

pub const NAME: &str = "Zoé Vasseur";
pub const MAIL: &str = "zoe.vasseur@example.fr";
/// What she texts back to a reminder.
pub const WORDS: &str = "Merci pour le rappel";

/// Her invoice and her waitlist entry at the salon (its "Coupe" type).
pub async fn file_her_invoice_and_waitlist_entry(app: &impl CallsApi, client: &str) {
    let invoice = app
        .put(
            "/v1/invoices/f77",
            json!({"client_id": client, "number": "F-2026-0077", "amount": 4500, "currency": "EUR",
                   "issued_at": "2026-03-20T10:00:00+01:00", "due_date": "2026-04-20"}),
        )
        .await;
    assert_eq!(invoice.status, 200, "{}", invoice.body);
    let waiting = app
        .post(
            "/v1/waitlist",
            json!({"client_id": client, "type_id": "cut", "from": "2026-03-28T00:00:00+01:00", "until": "2026-04-20T00:00:00+02:00"}),
        )
        .await;
    assert_eq!(waiting.status, 201, "{}", waiting.body);
}
