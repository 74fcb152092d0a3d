//! A client (or someone not yet one, through the contact form) sent a message or a document:
//! recorded, and answered by the business's automatic reply rules through the delivery path.

use super::CommandError;
use super::ids::arrival_nonce;
use crate::ApiServices;
use rappel_core::message::Channel;
use rappel_core::model::{
    Client, ClientId, DisplayName, EmailAddress, Inbound, InboundKind, InboundSender, PhoneNumber,
    TenantId, looks_automated,
};
use rappel_core::settings::RetentionSettings;
use rappel_ports::records::{Expected, Record, RecordKey, StoreError, StoredRecord};

/// What came in, parsed at the edge.
#[derive(Debug, Clone)]
pub struct InboundMessage {
    pub kind: InboundKind,
    /// A client's message; else a contact form's name and an e-mail or phone.
    pub client_id: Option<ClientId>,
    pub name: Option<DisplayName>,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    /// The channel it came by, if known: the reply goes back on it.
    pub channel: Option<Channel>,
    /// The message's `Auto-Submitted` header (RFC 3834), if an e-mail.
    pub auto_submitted: Option<String>,
    /// The message's `Precedence` header (`bulk`, `list`, `junk`: a machine).
    pub precedence: Option<String>,
}

/// Records the message; answers it as stored (with whether it was taken for a machine's).
pub async fn receive_inbound(
    services: &ApiServices,
    tenant: &TenantId,
    message: InboundMessage,
) -> Result<Inbound, CommandError> {
    let records = &services.records;
    // The settings (their retention stamps the message) with the client, in one round trip.
    let mut keys = vec![RecordKey::settings(tenant)];
    keys.extend(
        message
            .client_id
            .as_ref()
            .map(|id| Client::key_of(tenant, id)),
    );
    let mut found = records.get_many(&keys).await?.into_iter();
    let retention = match found.next().flatten() {
        Some(Record::Settings(settings)) => settings.input.retention,
        _ => RetentionSettings::default(),
    };
    let client = match found.next().flatten() {
        Some(Record::Client(client)) => Some(client),
        _ => None,
    };
    let (sender, address) = match message.client_id {
        Some(client_id) => {
            if message.name.is_some() || message.phone.is_some() {
                return Err(CommandError::invalid(
                    "invalid_field",
                    "name, phone: give client_id or the contact details, not both",
                ));
            }
            let Some(client) = client else {
                return Err(CommandError::unknown(
                    "unknown_client",
                    format!("client_id: no client {client_id}"),
                ));
            };
            // The address it came from, when given, is what tells a machine apart.
            let address = message.email.or(client.email);
            (InboundSender::Client { client_id }, address)
        }
        None => {
            if message.kind != InboundKind::ContactForm {
                return Err(CommandError::invalid(
                    "invalid_field",
                    "client_id: required, except for a contact form",
                ));
            }
            let Some(name) = message.name else {
                return Err(CommandError::invalid(
                    "invalid_field",
                    "name: a contact form needs the sender's name",
                ));
            };
            if message.email.is_none() && message.phone.is_none() {
                return Err(CommandError::invalid(
                    "invalid_field",
                    "email, phone: a contact form needs an e-mail or a phone to answer",
                ));
            }
            let address = message.email.clone();
            let sender = InboundSender::Contact {
                name,
                email: message.email,
                phone: message.phone,
            };
            (sender, address)
        }
    };
    let received_at = services.clock.now();
    let id = Inbound::id_for(&sender, received_at, &arrival_nonce())
        .ok_or_else(|| StoreError::Unavailable("could not allocate an inbound id".into()))?;
    let automated = looks_automated(
        message.auto_submitted.as_deref(),
        message.precedence.as_deref(),
        address.as_ref(),
    );
    let inbound = Inbound {
        tenant: tenant.clone(),
        id,
        kind: message.kind,
        sender,
        channel: message.channel,
        received_at,
        automated,
        text: None,
        version: 1,
    };
    records
        .put_retained(
            Record::Inbound(inbound.clone()),
            Expected::Absent,
            &retention,
            received_at,
        )
        .await?;
    Ok(inbound)
}
