//! Invoices and quotes, as a business and its clients would notice them.

use super::*;
use crate::message::{
    Channel, Disposition, MessageKind, Recipient, StaleReason, SuppressionReason, Verdict,
};
use crate::model::*;
use crate::settings::*;
use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

struct World {
    settings: BusinessSettings,
    client: Client,
    invoice: Invoice,
    quote: Quote,
}

impl World {
    /// A Paris business with one manager; unpaid reminders 3 and 10 days after the due date
    /// (e-mail, then e-mail + SMS), quote reminder 2 days before expiry; sent at 10:00.
    fn paris() -> Self {
        let tenant: TenantId = id("salon");
        let mut settings = BusinessSettings::defaults_for(&tenant);
        settings.input.managers = vec![Manager {
            id: id("olga"),
            name: id("Olga"),
            email: Some(id("olga@salon.example")),
            phone: None,
            locale: Locale::FR,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
        }];
        settings.input.notifications.billing.invoice_unpaid.steps = BillingSteps::new(vec![
            BillingStep {
                days: 3,
                email: true,
                sms: false,
            },
            BillingStep {
                days: 10,
                email: true,
                sms: true,
            },
        ])
        .unwrap();
        let client = Client {
            tenant: tenant.clone(),
            id: id("lea"),
            name: id("Léa Martin"),
            email: Some(id("lea@example.fr")),
            phone: Some(id("+33612345678")),
            locale: Locale::FR,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
            preferences: ContactPreferences::default(),
            version: 1,
        };
        let invoice = Invoice {
            tenant: tenant.clone(),
            id: id("inv-42"),
            client_id: id("lea"),
            number: id("F-2026-0042"),
            amount: 123_456,
            currency: Currency::parse("EUR").unwrap(),
            issued_at: utc(2026, 3, 10, 9, 0),
            // Due the Friday before the spring change (29 March 2026 in Paris).
            due_date: date(2026, 3, 27),
            url: Some(id("https://pay.example/inv-42")),
            status: InvoiceStatus::Issued,
            notify: true,
            version: 1,
        };
        let quote = Quote {
            tenant,
            id: id("q-7"),
            client_id: id("lea"),
            number: id("D-7"),
            amount: 50_000,
            currency: Currency::parse("EUR").unwrap(),
            issued_at: utc(2026, 10, 1, 9, 0),
            // Expires the Monday after the autumn change (25 October 2026 in Paris).
            expires_on: date(2026, 10, 26),
            url: None,
            status: QuoteStatus::Sent,
            notify: true,
            version: 1,
        };
        Self {
            settings,
            client,
            invoice,
            quote,
        }
    }

    fn invoice_ctx(&self) -> BillingContext<'_> {
        BillingContext {
            settings: &self.settings,
            document: Document::Invoice(&self.invoice),
            client: Some(&self.client),
        }
    }

    fn quote_ctx(&self) -> BillingContext<'_> {
        BillingContext {
            settings: &self.settings,
            document: Document::Quote(&self.quote),
            client: Some(&self.client),
        }
    }
}

fn dues(plan: &[crate::message::PlannedMessage]) -> Vec<(MessageKind, Channel, DateTime<Utc>)> {
    plan.iter()
        .map(|m| (m.key.kind, m.key.channel, m.key.due))
        .collect()
}

#[test]
fn unpaid_reminders_fall_on_local_days_after_the_due_date_across_the_spring_change() {
    let w = World::paris();
    let plan = timeline(&w.invoice_ctx());
    assert!(!plan.is_empty());
    assert_eq!(
        dues(&plan),
        vec![
            // 30 March, 10:00 in Paris: already summer time (UTC+2).
            (
                MessageKind::InvoiceReminder,
                Channel::Email,
                utc(2026, 3, 30, 8, 0)
            ),
            // 6 April, 10:00 in Paris.
            (
                MessageKind::InvoiceReminder,
                Channel::Email,
                utc(2026, 4, 6, 8, 0)
            ),
            (
                MessageKind::InvoiceReminder,
                Channel::Sms,
                utc(2026, 4, 6, 8, 0)
            ),
        ]
    );
    assert!(
        plan.iter()
            .all(|m| m.key.recipient == Recipient::Client(id("lea")))
    );
}

#[test]
fn a_business_west_of_utc_sends_at_its_own_ten_o_clock() {
    let mut w = World::paris();
    w.settings.input.time_zone = TimeZone::parse("America/New_York").unwrap();
    let plan = timeline(&w.invoice_ctx());
    assert!(!plan.is_empty());
    // 30 March 2026, 10:00 in New York (UTC-4).
    assert_eq!(plan[0].key.due, utc(2026, 3, 30, 14, 0));
}

#[test]
fn a_paid_or_void_invoice_plans_nothing_and_a_late_reminder_says_why() {
    let mut w = World::paris();
    let reminder = timeline(&w.invoice_ctx()).remove(0);
    w.invoice.status = InvoiceStatus::Paid;
    w.invoice.version = 2;
    assert!(timeline(&w.invoice_ctx()).is_empty());
    let at = reminder.key.due;
    assert_eq!(
        verdict(&reminder.key, &w.invoice_ctx(), at),
        Verdict::Stale(StaleReason::InvoicePaid)
    );
    w.invoice.status = InvoiceStatus::Void;
    assert_eq!(
        verdict(&reminder.key, &w.invoice_ctx(), at),
        Verdict::Stale(StaleReason::InvoiceVoid)
    );
}

#[test]
fn a_reminder_still_due_is_sent_and_one_two_days_late_is_too_late() {
    let w = World::paris();
    let reminder = timeline(&w.invoice_ctx()).remove(0);
    let due = reminder.key.due;
    assert_eq!(verdict(&reminder.key, &w.invoice_ctx(), due), Verdict::Send);
    assert_eq!(
        verdict(
            &reminder.key,
            &w.invoice_ctx(),
            due + chrono::Duration::days(3)
        ),
        Verdict::Stale(StaleReason::TooLate)
    );
}

#[test]
fn owner_mode_reminds_the_managers_instead_of_the_client() {
    let mut w = World::paris();
    w.settings.input.notifications.billing.invoice_unpaid.mode = ReminderMode::Owner;
    let plan = timeline(&w.invoice_ctx());
    assert!(!plan.is_empty());
    assert!(
        plan.iter()
            .all(|m| m.key.kind == MessageKind::InvoiceUnpaidAlert
                && m.key.recipient == Recipient::Manager(id("olga")))
    );
    // Olga has no phone: the SMS leg is planned and suppressed, so the view says why.
    assert!(plan.iter().any(|m| m.key.channel == Channel::Sms
        && m.disposition == Disposition::Suppressed(SuppressionReason::NoPhone)));

    w.settings.input.notifications.billing.invoice_unpaid.mode = ReminderMode::None;
    assert!(timeline(&w.invoice_ctx()).is_empty());
}

#[test]
fn a_quote_is_reminded_days_before_it_expires_across_the_autumn_change() {
    let w = World::paris();
    let plan = timeline(&w.quote_ctx());
    assert!(!plan.is_empty());
    assert_eq!(
        dues(&plan),
        // 24 October, 10:00 in Paris: still summer time (UTC+2).
        vec![(
            MessageKind::QuoteExpiring,
            Channel::Email,
            utc(2026, 10, 24, 8, 0)
        )]
    );
}

#[test]
fn an_answered_quote_is_not_reminded_and_its_last_day_ends_the_reminders() {
    let mut w = World::paris();
    let reminder = timeline(&w.quote_ctx()).remove(0);
    // After the quote's last day (26 October, Paris), a reminder is pointless.
    assert_eq!(
        verdict(&reminder.key, &w.quote_ctx(), utc(2026, 10, 26, 23, 30)),
        Verdict::Stale(StaleReason::TooLate)
    );
    w.quote.status = QuoteStatus::Accepted;
    assert!(timeline(&w.quote_ctx()).is_empty());
    assert_eq!(
        verdict(&reminder.key, &w.quote_ctx(), reminder.key.due),
        Verdict::Stale(StaleReason::QuoteClosed)
    );
}

#[test]
fn a_new_invoice_is_announced_once_and_a_silent_import_is_not() {
    let mut w = World::paris();
    let notice = change_messages(None, Document::Invoice(&w.invoice), &w.invoice_ctx());
    assert_eq!(
        dues(&notice),
        vec![(
            MessageKind::InvoiceIssued,
            Channel::Email,
            w.invoice.issued_at
        )]
    );
    // An edit of an invoice already issued announces nothing again.
    let before = w.invoice.clone();
    w.invoice.version = 2;
    w.invoice.amount = 100;
    assert!(
        change_messages(
            Some(Document::Invoice(&before)),
            Document::Invoice(&w.invoice),
            &w.invoice_ctx()
        )
        .is_empty()
    );
    let mut silent = before.clone();
    silent.notify = false;
    let ctx = BillingContext {
        document: Document::Invoice(&silent),
        ..w.invoice_ctx()
    };
    assert!(change_messages(None, Document::Invoice(&silent), &ctx).is_empty());
}

#[test]
fn the_amount_is_written_for_the_reader() {
    let w = World::paris();
    let notice = change_messages(None, Document::Invoice(&w.invoice), &w.invoice_ctx()).remove(0);
    let rendering = rendering(&notice.key, &w.invoice_ctx(), w.invoice.issued_at).unwrap();
    let crate::render::TemplateVariables::Document(vars) = rendering.variables else {
        panic!("document variables");
    };
    assert_eq!(
        vars.amount.replace(['\u{a0}', '\u{202f}'], " "),
        "1 234,56 €"
    );
    assert_eq!(vars.due_date.as_deref(), Some("vendredi 27 mars 2026"));
    assert_eq!(vars.url.as_deref(), Some("https://pay.example/inv-42"));
}
