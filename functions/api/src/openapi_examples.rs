//! One example answer per successful operation of the contract, built from real values and
//! written by their real `Serialize` (so an example cannot disagree with what the API sends),
//! for one business, "salon-lea", on 30 March 2026 in Paris.

use crate::routes::appointments::AppointmentView;
use crate::routes::erasure::Erasure;
use chrono::{DateTime, NaiveDate, Utc};
use rappel_app::export::ClientExport;
use rappel_app::preview::{PlannedNotification, PlannedStatus};
use rappel_core::message::{Channel, MessageKind, Recipient, Subject, SubjectKind};
use rappel_core::model::*;
use rappel_core::settings::{
    BookingHorizon, BusinessSettings, DnsRecord, IdentityStatus, LocalTime, Mailbox,
    NotificationOverride, SendingIdentity,
};
use rappel_ports::history::{CommunicationRecord, CommunicationStatus};
use serde_json::{Value, json};

/// `(operationId, status, example)` for every successful answer that has a body.
pub(crate) fn answers() -> Vec<(&'static str, &'static str, Value)> {
    built().unwrap_or_default()
}

fn at(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw).ok().map(|t| t.to_utc())
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

fn built() -> Option<Vec<(&'static str, &'static str, Value)>> {
    let tenant = TenantId::parse("salon-lea").ok()?;
    let paris = TimeZone::parse("Europe/Paris").ok()?;
    let client_id = ClientId::parse("cl_3f9a1c").ok()?;
    let booked_at = at("2026-03-20T09:00:00Z")?;

    let client = Client {
        tenant: tenant.clone(),
        id: client_id.clone(),
        name: DisplayName::parse("Léa Dubois").ok()?,
        email: Some(EmailAddress::parse("lea@example.com").ok()?),
        phone: Some(PhoneNumber::parse("+33612345678").ok()?),
        locale: Locale::parse("fr-FR").ok()?,
        time_zone: paris,
        preferences: ContactPreferences::default(),
        version: 1,
    };
    let staff = StaffMember {
        tenant: tenant.clone(),
        id: StaffId::parse("st_ana").ok()?,
        name: DisplayName::parse("Ana Martin").ok()?,
        email: Some(EmailAddress::parse("ana@example.com").ok()?),
        phone: None,
        locale: Locale::parse("fr-FR").ok()?,
        time_zone: paris,
        version: 1,
    };
    let kind = AppointmentType {
        tenant: tenant.clone(),
        id: AppointmentTypeId::parse("haircut").ok()?,
        name: DisplayName::parse("Haircut").ok()?,
        overrides: NotificationOverride::default(),
        version: 1,
    };
    let appointment = Appointment::book(
        NewBooking {
            tenant: tenant.clone(),
            id: AppointmentId::parse("ap_5b7d0e").ok()?,
            client_id: client_id.clone(),
            staff_id: staff.id.clone(),
            type_id: kind.id.clone(),
            start: at("2026-03-30T08:00:00Z")?,
            end: at("2026-03-30T08:30:00Z")?,
            time_zone: paris,
            status: AppointmentStatus::Confirmed,
            origin: Origin::Online,
            notify_client: true,
            horizon: BookingHorizon::default(),
            earlier_slot_offers: None,
        },
        booked_at,
    )
    .ok()?;
    let view = to_json(&AppointmentView::from(&appointment));
    let cancelled = to_json(&AppointmentView::from(
        &appointment
            .cancel(Actor::Staff, true, at("2026-03-21T10:00:00Z")?)
            .ok()?,
    ));
    let reminder = PlannedNotification {
        kind: MessageKind::Reminder,
        ordinal: 0,
        recipient: Recipient::Client(client_id.clone()),
        channel: Channel::Sms,
        due: at("2026-03-29T08:00:00Z")?,
        status: PlannedStatus::Scheduled,
        reason: None,
        schedule_name: "r-3f9a1c0e5b7d".into(),
        moved: None,
    };
    let sent = CommunicationRecord {
        tenant: tenant.clone(),
        about: Subject::Appointment(appointment.id.clone()),
        client: Some(client_id.clone()),
        message_key: "salon-lea|appointment:ap_5b7d0e|confirmation|0|client:cl_3f9a1c|email|2026-03-20T09:00:00Z".into(),
        kind: MessageKind::Confirmation,
        recipient: Recipient::Client(client_id.clone()),
        channel: Channel::Email,
        due: booked_at,
        recorded_at: booked_at,
        status: CommunicationStatus::Sent,
        reason: None,
        subject: Some("Votre rendez-vous du lundi 30 mars".into()),
        provider_message_id: Some("0100018e5b7d0e3f-5c1a".into()),
        sms: None,
        kept_until: Some(at("2028-03-19T09:00:00Z")?),
    };
    let invoice = Invoice {
        tenant: tenant.clone(),
        id: InvoiceId::parse("inv_2026_0042").ok()?,
        client_id: client_id.clone(),
        number: DocumentNumber::parse("F-2026-0042").ok()?,
        amount: 4500,
        currency: Currency::parse("EUR").ok()?,
        issued_at: at("2026-03-30T08:00:00Z")?,
        due_date: NaiveDate::from_ymd_opt(2026, 4, 13)?,
        url: Some(DocumentUrl::parse("https://pay.example.com/i/F-2026-0042").ok()?),
        status: InvoiceStatus::Issued,
        notify: true,
        version: 1,
    };
    let paid = Invoice {
        status: InvoiceStatus::Paid,
        version: 2,
        ..invoice.clone()
    };
    let quote = Quote {
        tenant: tenant.clone(),
        id: QuoteId::parse("q_2026_0007").ok()?,
        client_id: client_id.clone(),
        number: DocumentNumber::parse("D-2026-0007").ok()?,
        amount: 12000,
        currency: Currency::parse("EUR").ok()?,
        issued_at: at("2026-03-30T08:00:00Z")?,
        expires_on: NaiveDate::from_ymd_opt(2026, 4, 30)?,
        url: None,
        status: QuoteStatus::Sent,
        notify: true,
        version: 1,
    };
    let accepted = Quote {
        status: QuoteStatus::Accepted,
        version: 2,
        ..quote.clone()
    };
    let entry = WaitlistEntry {
        tenant: tenant.clone(),
        id: WaitlistId::parse("wl_7c1d").ok()?,
        client_id: client_id.clone(),
        type_id: kind.id.clone(),
        staff_id: None,
        from: at("2026-03-30T06:00:00Z")?,
        until: at("2026-04-10T18:00:00Z")?,
        days: Some(vec![chrono::Weekday::Mon, chrono::Weekday::Tue]),
        time_range: Some(TimeRange {
            from: LocalTime::parse("09:00").ok()?,
            until: LocalTime::parse("12:00").ok()?,
        }),
        time_zone: paris,
        status: WaitlistStatus::Waiting,
        created_at: booked_at,
        version: 1,
    };
    let defaults = BusinessSettings::defaults_for(&tenant);
    let saved = BusinessSettings {
        version: 1,
        ..defaults.clone()
    };
    let planned = vec![to_json(&reminder)];
    let received_at = at("2026-03-30T09:00:00Z")?;
    let inbound = Inbound {
        tenant: tenant.clone(),
        id: Inbound::id_for(
            &InboundSender::Client {
                client_id: client_id.clone(),
            },
            received_at,
            "7f3a",
        )?,
        kind: InboundKind::Message,
        sender: InboundSender::Client {
            client_id: client_id.clone(),
        },
        channel: Some(Channel::Email),
        received_at,
        automated: false,
        text: None,
        version: 1,
    };
    let mut inbound_view = to_json(&inbound);
    inbound_view["replies"] = json!([]);
    let template = |source: &str, version: u64| {
        let body = rappel_core::render::default_template(
            MessageKind::Reminder,
            Channel::Sms,
            Language::Fr,
        );
        let mut view = json!({
            "kind": MessageKind::Reminder, "channel": Channel::Sms, "locale": Language::Fr,
            "type_id": null, "source": source, "version": version,
            "variables": rappel_core::render::variable_names(SubjectKind::Appointment),
        });
        if let (Some(view), Value::Object(body)) = (view.as_object_mut(), to_json(&body)) {
            view.extend(body);
        }
        view
    };
    let digest = rappel_app::preview::DigestPreview {
        recipient: Recipient::Staff(staff.id.clone()),
        schedule: None,
        notifications: Vec::new(),
        appointments_so_far: 0,
        recent: Vec::new(),
    };

    let identity = SendingIdentity {
        domain: DomainName::parse("salon-lea.fr").ok()?,
        mailbox: Mailbox::parse("rendez-vous").ok()?,
        status: IdentityStatus::Pending,
        dns_records: (1..=3)
            .map(|n| DnsRecord {
                record_type: "CNAME".into(),
                name: format!("k{n}7tq3bcnx4mzv2wy5h6dfr8p9s._domainkey.salon-lea.fr"),
                value: format!("k{n}7tq3bcnx4mzv2wy5h6dfr8p9s.dkim.amazonses.com"),
            })
            .collect(),
        checked_at: at("2026-03-30T09:00:00Z")?,
    };
    let webhook = rappel_app::webhooks::EndpointView {
        id: "we_3f9a1c0e5b7d2a4c6e8f0a1b".into(),
        url: rappel_core::events::WebhookUrl::parse("https://crm.example.com/hooks/rappel", false)
            .ok()?,
        event_types: vec![
            rappel_core::events::EventType::MessageSent,
            rappel_core::events::EventType::MessageBounced,
        ],
        created_at: booked_at,
        state: rappel_app::webhooks::EndpointState::Active,
        failures: 0,
        next_attempt_at: None,
        last_error: None,
        cursor: Some("2026-03-20T09:00:00.000Z#".into()),
        secret: Some("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD".into()),
    };
    Some(vec![
        (
            "getSettings",
            "200",
            to_json(&crate::routes::settings::SettingsView::new(
                saved.clone(),
                Some(rappel_ports::replan::ReplanStatus {
                    state: rappel_ports::replan::ReplanState::Running,
                    cause: "settings".into(),
                    job: "settings-v1".into(),
                    settings_version: Some(saved.version),
                    done: 1200,
                    total: 4870,
                    started_at: at("2026-03-30T08:00:02Z")?,
                    updated_at: at("2026-03-30T08:00:41Z")?,
                }),
            )),
        ),
        ("putSettings", "200", to_json(&saved)),
        ("createClient", "201", to_json(&client)),
        ("getClient", "200", to_json(&client)),
        ("patchClient", "200", to_json(&client)),
        ("putClient", "201", to_json(&client)),
        (
            "eraseClient",
            "202",
            to_json(&Erasure::from(ClientErasure {
                tenant: tenant.clone(),
                client: client_id.clone(),
                requested_at: at("2026-03-30T08:00:00Z")?,
                finished_at: None,
                next: ErasureStep::Records { cursor: None },
                erased: ErasedCounts::default(),
                keys: ErasureKeys::default(),
                version: 1,
            })),
        ),
        (
            "exportClient",
            "200",
            to_json(&ClientExport {
                exported_at: at("2026-03-30T08:00:00Z")?,
                client: client.clone(),
                appointments: vec![appointment.clone()],
                waitlist_entries: vec![entry.clone()],
                invoices: vec![invoice.clone()],
                quotes: vec![quote.clone()],
                inbound_messages: vec![inbound.clone()],
                communications: vec![sent.clone()],
                email_refusal: None,
                sms_stopped_since: None,
            }),
        ),
        (
            "getClientErasure",
            "200",
            to_json(&Erasure::from(ClientErasure {
                tenant: tenant.clone(),
                client: client_id.clone(),
                requested_at: at("2026-03-30T08:00:00Z")?,
                finished_at: Some(at("2026-03-30T08:00:03Z")?),
                next: ErasureStep::Done,
                erased: ErasedCounts {
                    appointments: 12,
                    waitlist_entries: 1,
                    invoices: 2,
                    quotes: 0,
                    inbound_messages: 3,
                    history_entries: 61,
                    ledger_copies: 38,
                    texts: 9,
                },
                keys: ErasureKeys::default(),
                version: 7,
            })),
        ),
        (
            "previewTemplate",
            "200",
            json!({
                "source": "request", "sample": false, "to": "+33612345678", "subject": null,
                "text": "Bonjour Léa Dubois, RDV le lundi 30 mars à 10:00.", "html": null,
                "sms": {"encoding": "gsm7", "units": 50, "parts": 1}, "test_id": null
            }),
        ),
        (
            "createImport",
            "200",
            json!({
                "clients": [{"id": "crm-4411", "outcome": "created"}],
                "appointments": [
                    {"id": "rdv-981", "outcome": "created"},
                    {"id": "rdv-982", "outcome": "refused", "code": "start_in_past",
                     "message": "the appointment must start in the future"}
                ],
                "counts": {"created": 2, "updated": 0, "unchanged": 0, "refused": 1}
            }),
        ),
        (
            "listClients",
            "200",
            json!({ "clients": [to_json(&client)],
                    "next_cursor": hex::encode("client/cl_3f9a1c") }),
        ),
        ("putClient", "200", to_json(&client)),
        (
            "getClientCommunications",
            "200",
            json!({ "client_id": client_id, "communications": [to_json(&sent)],
                    "next_cursor": hex::encode(sent.position()) }),
        ),
        (
            "getClientNotifications",
            "200",
            json!({ "client_id": client_id, "notifications": [] }),
        ),
        ("getStaff", "200", to_json(&staff)),
        ("putStaff", "200", to_json(&staff)),
        ("getAppointmentType", "200", to_json(&kind)),
        ("putAppointmentType", "200", to_json(&kind)),
        (
            "getStaffAgenda",
            "200",
            json!({ "date": "2026-03-30", "time_zone": paris, "appointments": [view] }),
        ),
        ("createAppointment", "201", view.clone()),
        ("getAppointment", "200", view.clone()),
        ("patchAppointment", "200", view.clone()),
        ("putAppointment", "201", view.clone()),
        (
            "listAppointments",
            "200",
            json!({ "appointments": [view.clone()], "next_cursor": null }),
        ),
        ("putAppointment", "200", view.clone()),
        ("actOnAppointment", "200", cancelled),
        (
            "getAppointmentNotifications",
            "200",
            json!({ "appointment_id": appointment.id, "version": 1, "notifications": planned }),
        ),
        ("getInvoice", "200", to_json(&invoice)),
        (
            "listInvoices",
            "200",
            json!({ "invoices": [to_json(&invoice)], "next_cursor": null }),
        ),
        ("putInvoice", "200", to_json(&invoice)),
        ("actOnInvoice", "200", to_json(&paid)),
        (
            "getInvoiceNotifications",
            "200",
            json!({ "notifications": [] }),
        ),
        ("getQuote", "200", to_json(&quote)),
        (
            "listQuotes",
            "200",
            json!({ "quotes": [to_json(&quote)], "next_cursor": null }),
        ),
        ("putQuote", "200", to_json(&quote)),
        ("actOnQuote", "200", to_json(&accepted)),
        (
            "getQuoteNotifications",
            "200",
            json!({ "notifications": [] }),
        ),
        ("createWaitlistEntry", "201", to_json(&entry)),
        ("getWaitlistEntry", "200", to_json(&entry)),
        (
            "getClientWaitlist",
            "200",
            json!({ "client_id": client_id, "entries": [to_json(&entry)] }),
        ),
        (
            "receiveInbound",
            "202",
            json!({ "id": inbound.id, "received_at": inbound.received_at, "automated": false }),
        ),
        ("getInbound", "200", inbound_view),
        ("getTemplate", "200", template("default", 0)),
        ("putTemplate", "200", template("custom", 1)),
        ("getStaffDigest", "200", to_json(&digest)),
        (
            "getManagerDigest",
            "200",
            to_json(&rappel_app::preview::DigestPreview {
                recipient: Recipient::Manager(ManagerId::parse("mg_owner").ok()?),
                ..digest.clone()
            }),
        ),
        (
            "getUsage",
            "200",
            json!({
                "month": "2026-03",
                "messages": [
                    {"kind": "confirmation", "channel": "email", "messages": 412, "parts": 0},
                    {"kind": "reminder", "channel": "sms", "messages": 380, "parts": 391}
                ],
                "sms": {
                    "parts": 391,
                    "cost_eur": "28.5430",
                    "refused_by_budget": 0,
                    "budget": {"monthly_limit_cents": 3000, "percent": 95, "state": "warning", "warning_at_percent": 80}
                },
                "send_cap": {"messages_per_hour": 2000, "hour": "2026-03-30T09", "sent_this_hour": 143, "held_this_hour": 0}
            }),
        ),
        ("putSendingIdentity", "200", to_json(&identity)),
        ("createWebhookEndpoint", "201", to_json(&webhook)),
        ("rotateWebhookSecret", "200", to_json(&webhook)),
        (
            "enableWebhookEndpoint",
            "200",
            to_json(&rappel_app::webhooks::EndpointView {
                secret: None,
                ..webhook.clone()
            }),
        ),
        (
            "listWebhookEndpoints",
            "200",
            json!({"endpoints": [to_json(&rappel_app::webhooks::EndpointView { secret: None, ..webhook.clone() })]}),
        ),
        ("listEvents", "200", {
            let planned = rappel_core::events::DeliveryEvent::planned(
                &rappel_core::message::MessageKey {
                    tenant: tenant.clone(),
                    subject: Subject::Appointment(appointment.id.clone()),
                    kind: MessageKind::Reminder,
                    ordinal: 0,
                    recipient: Recipient::Client(client_id.clone()),
                    channel: Channel::Sms,
                    due: at("2026-03-29T08:00:00Z")?,
                },
                None,
                booked_at,
            );
            let sent_event = rappel_ports::events::event_of_record(&sent)?;
            let positioned = |event: &rappel_core::events::DeliveryEvent| {
                to_json(&crate::routes::events::EventView {
                    position: event.position(),
                    event: event.clone(),
                })
            };
            let last = sent_event.position();
            json!({"events": [positioned(&planned), positioned(&sent_event)], "next_cursor": null, "last_position": last})
        }),
        (
            "getSendingIdentity",
            "200",
            to_json(&SendingIdentity {
                status: IdentityStatus::Verified,
                checked_at: at("2026-03-30T10:12:00Z")?,
                ..identity.clone()
            }),
        ),
        (
            "getRescheduleKeys",
            "200",
            json!({ "keys": ["9f2c4e0b7a1d3f5e6c8b9a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f"] }),
        ),
    ])
}
