//! Clients: create, upsert under the caller's id, change, and the withdrawal of marketing
//! consent (the unsubscribe link, later a STOP by SMS). A preference change applies at once to
//! every booked appointment (the change handler re-plans them).

use super::{CommandError, Upserted, expect_version};
use crate::ApiServices;
use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, MessageKind, Recipient, Subject};
use rappel_core::model::{
    Client, ClientId, ContactPreferences, DisplayName, EmailAddress, Locale, PhoneNumber, TenantId,
    TimeZone,
};
use rappel_ports::history::{CommunicationHistory, CommunicationRecord, CommunicationStatus};
use rappel_ports::records::{Expected, Record, RecordStore, StoreError, TypedRecords};

/// A client's details, parsed at the edge; locale and zone default to the business's.
#[derive(Debug, Clone)]
pub struct ClientDetails {
    pub name: DisplayName,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    pub locale: Option<Locale>,
    pub time_zone: Option<TimeZone>,
    pub preferences: ContactPreferences,
}

/// Creates a client under `id` (fresh, or the caller's own); the id must be free.
pub async fn create_client(
    services: &ApiServices,
    tenant: &TenantId,
    id: ClientId,
    details: ClientDetails,
) -> Result<Client, CommandError> {
    let client = new_client(services, tenant, id, details).await?;
    services
        .records
        .put(Record::Client(client.clone()), Expected::Absent)
        .await?;
    Ok(client)
}

async fn new_client(
    services: &ApiServices,
    tenant: &TenantId,
    id: ClientId,
    details: ClientDetails,
) -> Result<Client, CommandError> {
    let settings = services.records.settings(tenant).await?;
    Ok(Client {
        tenant: tenant.clone(),
        id,
        name: details.name,
        email: details.email,
        phone: details.phone,
        locale: details.locale.unwrap_or(settings.input.default_locale),
        time_zone: details.time_zone.unwrap_or(settings.input.time_zone),
        preferences: details.preferences,
        version: 1,
    })
}

/// Creates the client under the caller's own id, or replaces the stored one's details with
/// `details` (unset locale and zone keep the stored ones). The same details again change
/// nothing.
pub async fn put_client(
    services: &ApiServices,
    tenant: &TenantId,
    id: ClientId,
    details: ClientDetails,
    expected_version: Option<u64>,
) -> Result<Upserted<Client>, CommandError> {
    let Some(current) = services.records.client(tenant, &id).await? else {
        if let Some(expected) = expected_version.filter(|v| *v != 0) {
            return Err(CommandError::VersionConflict {
                what: "client",
                current: 0,
                expected,
            });
        }
        return Ok(Upserted::Created(
            create_client(services, tenant, id, details).await?,
        ));
    };
    expect_version("client", current.version, expected_version)?;
    let next = Client {
        name: details.name,
        email: details.email,
        phone: details.phone,
        locale: details.locale.unwrap_or(current.locale),
        time_zone: details.time_zone.unwrap_or(current.time_zone),
        preferences: details.preferences,
        ..current.clone()
    };
    Ok(match save(services, &current, next).await? {
        Some(next) => Upserted::Updated(next),
        None => Upserted::Unchanged(current),
    })
}

/// Some of a client's fields; `Some(None)` clears an e-mail or phone.
#[derive(Debug, Clone, Default)]
pub struct ClientChange {
    pub name: Option<DisplayName>,
    pub email: Option<Option<EmailAddress>>,
    pub phone: Option<Option<PhoneNumber>>,
    pub locale: Option<Locale>,
    pub time_zone: Option<TimeZone>,
    pub preferences: PreferencesChange,
    pub expected_version: Option<u64>,
}

/// Some of a client's preferences.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreferencesChange {
    pub email: Option<bool>,
    pub sms: Option<bool>,
    pub marketing: Option<bool>,
    pub earlier_slot_offers: Option<bool>,
}

/// Changes some of a client's fields; answers the client as saved.
pub async fn update_client(
    services: &ApiServices,
    tenant: &TenantId,
    id: &ClientId,
    change: ClientChange,
) -> Result<Client, CommandError> {
    let current = services
        .records
        .client(tenant, id)
        .await?
        .ok_or(CommandError::NotFound("client"))?;
    expect_version("client", current.version, change.expected_version)?;
    let mut next = current.clone();
    next.name = change.name.unwrap_or(next.name);
    next.email = change.email.unwrap_or(next.email);
    next.phone = change.phone.unwrap_or(next.phone);
    next.locale = change.locale.unwrap_or(next.locale);
    next.time_zone = change.time_zone.unwrap_or(next.time_zone);
    let (p, wanted) = (&mut next.preferences, change.preferences);
    p.email = wanted.email.unwrap_or(p.email);
    p.sms = wanted.sms.unwrap_or(p.sms);
    p.marketing = wanted.marketing.unwrap_or(p.marketing);
    p.earlier_slot_offers = wanted.earlier_slot_offers.unwrap_or(p.earlier_slot_offers);
    Ok(save(services, &current, next).await?.unwrap_or(current))
}

/// Writes `next` over `current` when it differs; `None` when nothing changed.
async fn save(
    services: &ApiServices,
    current: &Client,
    next: Client,
) -> Result<Option<Client>, CommandError> {
    save_client(services.records.as_ref(), current, next).await
}

async fn save_client(
    records: &dyn RecordStore,
    current: &Client,
    mut next: Client,
) -> Result<Option<Client>, CommandError> {
    if next == *current {
        return Ok(None);
    }
    next.version = current.version + 1;
    records
        .put(
            Record::Client(next.clone()),
            Expected::Version(current.version),
        )
        .await?;
    Ok(Some(next))
}

/// How a client withdrew marketing consent: the reason written in their history.
#[derive(Debug, Clone, Copy)]
pub enum Withdrawal {
    /// The unsubscribe link or a mail provider's one-click request (RFC 8058).
    OneClick,
}

impl Withdrawal {
    fn reason(self) -> &'static str {
        match self {
            Self::OneClick => "one_click_unsubscribe",
        }
    }
}

/// How often a withdrawal reads the client again after a concurrent change took its version.
const WITHDRAWAL_ATTEMPTS: usize = 5;

/// Withdraws the client's marketing consent and says so in their history (once: a second
/// withdrawal changes nothing). Answers the client as it is now.
///
/// `client` is the image the caller read. A change written since (the business editing the
/// client) makes the write conflict: the withdrawal is applied again to the client as it is
/// then, a few times, keeping that change — a mail provider's one-click request is not
/// pressed again by a person, so a conflict must not cost the withdrawal.
pub async fn withdraw_marketing(
    services: &ApiServices,
    client: &Client,
    how: Withdrawal,
) -> Result<Client, CommandError> {
    let stores = ConsentStores {
        records: services.records.as_ref(),
        history: services.history.as_ref(),
        now: services.clock.now(),
    };
    withdraw_consent(&stores, client, how).await
}

/// What a withdrawal of consent writes to: the API's stores, or the send function's when it
/// takes a queued unsubscribe.
pub struct ConsentStores<'a> {
    pub records: &'a dyn RecordStore,
    pub history: &'a dyn CommunicationHistory,
    pub now: DateTime<Utc>,
}

/// [`withdraw_marketing`] over any stores.
pub async fn withdraw_consent(
    services: &ConsentStores<'_>,
    client: &Client,
    how: Withdrawal,
) -> Result<Client, CommandError> {
    let mut current = client.clone();
    let mut attempt = 1;
    let next = loop {
        if !current.preferences.marketing {
            return Ok(current);
        }
        let mut next = current.clone();
        next.preferences.marketing = false;
        match save_client(services.records, &current, next).await {
            Ok(Some(next)) => break next,
            Ok(None) => return Ok(current),
            Err(CommandError::Store(StoreError::Conflict { .. }))
                if attempt < WITHDRAWAL_ATTEMPTS =>
            {
                attempt += 1;
                current = services
                    .records
                    .client(&client.tenant, &client.id)
                    .await?
                    .ok_or(CommandError::NotFound("client"))?;
            }
            Err(error) => return Err(error),
        }
    };
    let now = services.now;
    let (tenant, id) = (&client.tenant, &client.id);
    let entry = CommunicationRecord {
        tenant: tenant.clone(),
        about: Subject::Client(id.clone()),
        client: Some(id.clone()),
        message_key: format!("unsubscribe/{tenant}/{id}/{}", now.timestamp()),
        kind: MessageKind::Reengagement,
        recipient: Recipient::Client(id.clone()),
        channel: Channel::Email,
        due: now,
        recorded_at: now,
        status: CommunicationStatus::Unsubscribed,
        reason: Some(how.reason().into()),
        subject: None,
        provider_message_id: None,
        sms: None,
        // Unread settings: the default retention (the entry is best effort, as below).
        kept_until: match services.records.settings(tenant).await {
            Ok(settings) => Some(settings.input.retention.history_kept_until(now)),
            Err(_) => None,
        },
    };
    // The consent is withdrawn either way: the history entry only says when and how.
    if let Err(error) = services.history.record(entry).await {
        tracing::warn!(%error, "unsubscribed, but the history entry could not be written");
    }
    Ok(next)
}
