//! The delivery guarantees under real retry timings: a retry is never mistaken for a duplicate,
//! a message the provider accepted is never sent again, a trigger that comes too late sends
//! nothing, and bad input is refused with a 4xx instead of crashing or looping.

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use rappel_app::{DeliveryOutcome, DeliveryServices, deliver};
use rappel_core::model::{ClientId, PhoneNumber, TenantId};
use rappel_core::render::OutgoingSms;
use rappel_ports::delivery::{OutboxFault, ProviderReceipt, SendError, SmsSender};
use rappel_ports::history::{CommunicationHistory, CommunicationRecord, HistoryError};
use rappel_ports::ledger::{Claim, DeliveryLedger, Filed, LedgerEntry, LedgerError, LedgerState};
use rappel_ports::schedules::ScheduleEntry;
use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The 24 h e-mail reminder of Léa's Friday appointment, as the scheduler would hand it out.
fn email_reminder(app: &TestApp) -> ScheduleEntry {
    let entries: Vec<ScheduleEntry> = app
        .stack
        .scheduler
        .list()
        .into_iter()
        .filter(|e| e.key.kind.as_str() == "reminder" && e.key.channel.as_str() == "email")
        .collect();
    assert!(!entries.is_empty(), "an e-mail reminder is scheduled");
    entries[0].clone()
}

fn reminders_sent_to_lea(outbox: &[serde_json::Value]) -> usize {
    outbox
        .iter()
        .filter(|m| m["to"] == LEA_MAIL)
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("Rappel"))
        })
        .count()
}

/// A history whose first `failures` writes fail (an outage right after the provider accepted).
struct FlakyHistory {
    inner: Arc<dyn CommunicationHistory>,
    failures: AtomicUsize,
}

#[async_trait]
impl CommunicationHistory for FlakyHistory {
    async fn record(&self, entry: CommunicationRecord) -> Result<(), HistoryError> {
        if self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(HistoryError("injected: history table throttled".into()));
        }
        self.inner.record(entry).await
    }

    async fn forget(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError> {
        self.inner.forget(entries).await
    }

    async fn restamp(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError> {
        self.inner.restamp(entries).await
    }

    async fn for_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        self.inner.for_client(tenant, client).await
    }

    async fn for_recipient(
        &self,
        tenant: &TenantId,
        recipient: &rappel_core::message::Recipient,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        self.inner.for_recipient(tenant, recipient).await
    }
}

/// A ledger whose `release` always fails (the claim stays until its lease runs out).
struct LedgerThatCannotRelease(Arc<dyn DeliveryLedger>);

#[async_trait]
impl DeliveryLedger for LedgerThatCannotRelease {
    async fn claim(&self, key: &str, now: DateTime<Utc>) -> Result<Claim, LedgerError> {
        self.0.claim(key, now).await
    }
    async fn complete(
        &self,
        key: &str,
        state: LedgerState,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.0.complete(key, state, now).await
    }
    async fn settle_sent(
        &self,
        key: &str,
        record: &CommunicationRecord,
        now: DateTime<Utc>,
    ) -> Result<Filed, LedgerError> {
        self.0.settle_sent(key, record, now).await
    }
    async fn record_outcome(
        &self,
        key: &str,
        outcome: rappel_ports::ledger::ProviderOutcome,
        record: &CommunicationRecord,
    ) -> Result<Filed, LedgerError> {
        self.0.record_outcome(key, outcome, record).await
    }
    async fn release(&self, _key: &str) -> Result<(), LedgerError> {
        Err(LedgerError("injected: release timed out".into()))
    }
    async fn entry(&self, key: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.0.entry(key).await
    }
    async fn forget_copy(&self, key: &str) -> Result<(), LedgerError> {
        self.0.forget_copy(key).await
    }
    async fn restamp_copy(
        &self,
        key: &str,
        recorded_at: DateTime<Utc>,
        kept_until: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.0.restamp_copy(key, recorded_at, kept_until).await
    }
}

#[tokio::test]
async fn a_retry_that_finds_another_attempts_live_claim_is_told_to_retry_not_dropped() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let entry = email_reminder(&app);
    app.stack.clock.set(entry.due);
    let delivery = &app.stack.delivery;
    // Another attempt claimed the key and is still running (or timed out before settling).
    let claim = delivery
        .ledger
        .claim(&entry.key.id(), entry.due)
        .await
        .unwrap();
    assert_eq!(claim, Claim::Claimed);

    let retry = deliver(delivery, &entry.key).await;
    assert!(
        retry.is_err(),
        "a live claim is a retryable error, not a duplicate: {retry:?}"
    );
    assert_eq!(reminders_sent_to_lea(&app.outbox().await), 0);
}

#[tokio::test]
async fn a_delivery_whose_claim_could_not_be_released_is_sent_by_a_later_retry() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let entry = email_reminder(&app);
    app.stack.clock.set(entry.due);
    let delivery = DeliveryServices {
        ledger: Arc::new(LedgerThatCannotRelease(app.stack.delivery.ledger.clone())),
        ..app.stack.delivery.clone()
    };
    app.stack
        .outbox
        .inject_email_faults([OutboxFault::Transient]);

    assert!(deliver(&delivery, &entry.key).await.is_err());
    let soon_after = deliver(&delivery, &entry.key).await;
    assert!(
        soon_after.is_err(),
        "within the lease the retry must fail (and be retried), not succeed as a duplicate: {soon_after:?}"
    );
    app.stack.clock.set(entry.due + Duration::minutes(10));
    let later = deliver(&delivery, &entry.key).await;
    assert!(
        matches!(later, Ok(DeliveryOutcome::Sent { .. })),
        "{later:?}"
    );
    assert_eq!(reminders_sent_to_lea(&app.outbox().await), 1);
}

#[tokio::test]
async fn a_history_write_that_fails_after_the_provider_accepted_never_sends_the_message_again() {
    let app = spawn_app(friday_before()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    let entry = email_reminder(&app);
    app.stack.clock.set(entry.due);
    let delivery = DeliveryServices {
        history: Arc::new(FlakyHistory {
            inner: app.stack.delivery.history.clone(),
            failures: AtomicUsize::new(2),
        }),
        ..app.stack.delivery.clone()
    };
    for _ in 0..3 {
        let _ = deliver(&delivery, &entry.key).await;
    }
    assert_eq!(reminders_sent_to_lea(&app.outbox().await), 1);
    let sent: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["kind"] == "reminder" && c["channel"] == "email")
        .collect();
    assert_eq!(sent.len(), 1, "recorded once: {sent:?}");
    assert_eq!(sent[0]["status"], "sent");
}

#[tokio::test]
async fn a_reminder_replayed_after_the_appointment_began_is_recorded_too_late_and_not_sent() {
    let app = spawn_app(friday_before()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    let entry = email_reminder(&app);
    // Friday 10:30 in Paris: the appointment began half an hour ago.
    app.stack
        .clock
        .set(Utc.with_ymd_and_hms(2026, 3, 27, 9, 30, 0).unwrap());
    let outcome = deliver(&app.stack.delivery, &entry.key).await;
    assert!(
        matches!(outcome, Ok(DeliveryOutcome::Stale(_))),
        "{outcome:?}"
    );
    assert_eq!(reminders_sent_to_lea(&app.outbox().await), 0);
    let history = app.communications(&lea).await;
    let reminder: Vec<_> = history
        .iter()
        .filter(|c| c["kind"] == "reminder" && c["channel"] == "email")
        .collect();
    assert!(!reminder.is_empty());
    assert_eq!(
        (
            reminder[0]["status"].as_str(),
            reminder[0]["reason"].as_str()
        ),
        (Some("stale"), Some("too_late"))
    );
}

/// An SMS sender whose opt-out check fails for good (an invalid number, as SNS answers it).
struct OptOutCheckRejects(Arc<dyn SmsSender>);

#[async_trait]
impl SmsSender for OptOutCheckRejects {
    async fn is_opted_out(&self, _phone: &PhoneNumber) -> Result<bool, SendError> {
        Err(SendError::permanent(
            "InvalidParameter",
            "Invalid parameter: PhoneNumber +33612345678 is not valid",
        ))
    }
    async fn send_sms(
        &self,
        sms: &OutgoingSms,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        self.0.send_sms(sms, now).await
    }
}

#[tokio::test]
async fn an_opt_out_check_that_fails_for_good_is_recorded_failed_not_retried() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let sms: Vec<ScheduleEntry> = app
        .stack
        .scheduler
        .list()
        .into_iter()
        .filter(|e| e.key.channel.as_str() == "sms")
        .collect();
    assert!(!sms.is_empty());
    app.stack.clock.set(sms[0].due);
    let delivery = DeliveryServices {
        sms: Arc::new(OptOutCheckRejects(app.stack.delivery.sms.clone())),
        ..app.stack.delivery.clone()
    };
    let outcome = deliver(&delivery, &sms[0].key).await;
    assert!(
        matches!(outcome, Ok(DeliveryOutcome::Failed(_))),
        "{outcome:?}"
    );
}

// ---- bad input ------------------------------------------------------------------------------

#[tokio::test]
async fn a_reminder_offset_with_a_multibyte_character_is_a_422_not_a_crash() {
    let app = spawn_app(friday_before()).await;
    let response = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon Léa", "notifications": {"reminders": [{"offset": "1é", "email": true}]}}),
        )
        .await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.body["error"]["code"], "invalid_field");
    // The stack is still up.
    assert_eq!(app.get("/v1/settings").await.status, 200);
}

#[tokio::test]
async fn a_local_clock_move_that_is_not_a_duration_is_a_422_not_a_crash() {
    let app = spawn_app(friday_before()).await;
    for bad in ["1é", "é", "99999999999999d", "9223372036854775807s"] {
        let response = app.post("/_local/clock", json!({"advance": bad})).await;
        assert_eq!(response.status, 422, "{bad}: {}", response.body);
    }
    assert_eq!(app.get("/_local/clock").await.status, 200);
}

#[tokio::test]
async fn a_template_that_would_loop_for_minutes_is_refused_when_saved() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let request = app
        .http
        .put(format!("{}/v1/templates/reminder/email/fr", app.base))
        .header("x-tenant-id", &app.tenant)
        .timeout(std::time::Duration::from_secs(30))
        .json(&json!({
            "subject": "Rappel",
            "text": "{% for i in range(100000) %}{% for j in range(100000) %}{{ client_name }}{% endfor %}{% endfor %}"
        }));
    let response = app.send(request).await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.body["error"]["code"], "template_too_costly");
}

#[tokio::test]
async fn an_appointment_in_the_year_9999_is_refused_before_anything_is_planned() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let response = app
        .post(
            "/v1/appointments",
            json!({"client_id": lea, "staff_id": "sam", "type_id": "cut",
                   "start": "9999-12-31T10:00:00+01:00", "end": "9999-12-31T11:00:00+01:00"}),
        )
        .await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.body["error"]["code"], "invalid_field");
    let message = response.body["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("the year must be between 1970 and 2999"),
        "{message}"
    );
    assert!(app.stack.scheduler.list().is_empty());
}

#[tokio::test]
async fn two_reminders_at_the_same_delay_written_in_other_units_are_a_422() {
    let app = spawn_app(friday_before()).await;
    let response = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon Léa", "notifications": {"reminders": [
                {"offset": "2h", "sms": true}, {"offset": "120m", "email": true}]}}),
        )
        .await;
    assert_eq!(response.status, 422, "{}", response.body);
}

#[tokio::test]
async fn a_refused_sms_leg_is_shown_planned_and_recorded_beside_the_email_that_goes_out() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    let patched = app
        .patch(
            &format!("/v1/clients/{lea}"),
            json!({"preferences": {"sms": false}}),
        )
        .await;
    assert_eq!(patched.status, 200);
    // The 24 h reminder is set to e-mail + SMS by default.
    let planned = app
        .get(&format!("/v1/appointments/{id}/notifications"))
        .await
        .body["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let day_before: Vec<_> = planned
        .iter()
        .filter(|m| m["kind"] == "reminder" && m["due"] == "2026-03-26T09:00:00Z")
        .collect();
    assert!(!day_before.is_empty(), "{planned:?}");
    let sms_leg: Vec<_> = day_before
        .iter()
        .filter(|m| m["channel"] == "sms")
        .collect();
    assert_eq!(sms_leg.len(), 1, "{day_before:?}");
    assert_eq!(
        (sms_leg[0]["status"].as_str(), sms_leg[0]["reason"].as_str()),
        (Some("suppressed"), Some("sms_refused"))
    );

    // Decided when the client refused SMS: recorded then, and no schedule is kept for it.
    let legs =
        |history: Vec<serde_json::Value>| -> Vec<(Option<String>, Option<String>, Option<String>)> {
            history
                .iter()
                .filter(|c| c["kind"] == "reminder" && c["due"] == "2026-03-26T09:00:00Z")
                .map(|c| {
                    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
                    (text(&c["channel"]), text(&c["status"]), text(&c["reason"]))
                })
                .collect()
        };
    let refused = (
        Some("sms".to_owned()),
        Some("suppressed".to_owned()),
        Some("sms_refused".to_owned()),
    );
    assert_eq!(legs(app.communications(&lea).await), vec![refused.clone()]);
    let schedules = app.get("/_local/schedules").await.body["schedules"].clone();
    let sms_schedules: Vec<_> = schedules
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["key"]["channel"] == "sms" && s["due"] == "2026-03-26T09:00:00Z")
        .collect();
    assert!(sms_schedules.is_empty(), "{schedules}");

    app.advance_to("2026-03-26T12:00:00Z").await;
    assert_eq!(
        legs(app.communications(&lea).await),
        vec![
            refused,
            (Some("email".to_owned()), Some("sent".to_owned()), None)
        ],
        "each leg recorded once"
    );
}

/// A reminder's SMS to a client without a phone is decided when planned: recorded as
/// suppressed then, with no schedule kept for it. The phone added later re-plans the
/// appointment, which schedules the SMS; it goes out once, at its time.
#[tokio::test]
async fn an_sms_decided_at_planning_keeps_no_schedule_until_a_phone_makes_it_deliverable() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app
        .create_client(json!({"name": "Léa Martin", "email": "lea@example.fr"}))
        .await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let sms_schedules = |body: serde_json::Value| -> usize {
        body["schedules"].as_array().map_or(0, |all| {
            all.iter().filter(|s| s["key"]["channel"] == "sms").count()
        })
    };
    assert_eq!(sms_schedules(app.get("/_local/schedules").await.body), 0);
    let no_phone: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["status"] == "suppressed" && c["reason"] == "no_phone")
        .collect();
    assert!(!no_phone.is_empty(), "recorded when planned");
    assert!(no_phone.iter().all(|c| c["channel"] == "sms"));

    let patched = app
        .patch(
            &format!("/v1/clients/{lea}"),
            json!({"phone": "+33612345678"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert!(sms_schedules(app.get("/_local/schedules").await.body) > 0);
    app.advance_to("2026-03-27T09:30:00Z").await;
    // The default day-before and 2-hour SMS reminders, each once.
    let reminders = app.sent_of_kind("reminder", "+33612345678").await;
    assert_eq!(reminders.len(), 2, "{reminders:#?}");
    let sent: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["channel"] == "sms" && c["kind"] == "reminder" && c["status"] == "sent")
        .collect();
    assert_eq!(sent.len(), 2, "{sent:#?}");
}

/// SMS pumping: a premium-rate number on a client's record (a contact form, a bad import) is
/// never sent an SMS — no schedule, the reason recorded — while her e-mails go out.
#[tokio::test]
async fn a_premium_rate_number_is_never_sent_an_sms_and_the_emails_still_go() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let premium = "+33891123456";
    let lea = app
        .create_client(json!({"name": "Léa Martin", "email": "lea@example.fr", "phone": premium}))
        .await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let schedules = app.get("/_local/schedules").await.body;
    let sms_schedules = schedules["schedules"].as_array().map_or(0, |all| {
        all.iter().filter(|s| s["key"]["channel"] == "sms").count()
    });
    assert_eq!(sms_schedules, 0);
    app.advance_to("2026-03-27T09:30:00Z").await;

    assert!(app.sent_to(premium).await.is_empty());
    assert!(!app.sent_to("lea@example.fr").await.is_empty());
    let refused: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["status"] == "suppressed" && c["reason"] == "not_a_mobile_number")
        .collect();
    assert!(!refused.is_empty(), "recorded with the reason");
    assert!(refused.iter().all(|c| c["channel"] == "sms"));
}
