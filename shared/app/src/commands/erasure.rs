//! A client's erasure, begun (`DELETE /v1/clients/{id}`) and read (`GET
//! /v1/clients/{id}/erasure`). Beginning it deletes the client's record at once — the change
//! handler withdraws everything planned for them — after keeping what the job needs of them
//! as keyed hashes in the erasure's record; the job ([`crate::erasure`]) deletes the rest.

use super::CommandError;
use crate::ApiServices;
use rappel_core::model::{
    ClientErasure, ClientId, ErasedCounts, ErasureKeys, ErasureStep, TenantId,
};
use rappel_ports::erasure::ErasureWork;
use rappel_ports::records::{Expected, Record, StoreError, StoredRecord, TypedRecords};

/// Begins `id`'s erasure, or answers the one begun (waking its job again, in case the wake-up
/// was lost): a retried `DELETE` is safe.
pub async fn erase_client(
    s: &ApiServices,
    tenant: &TenantId,
    id: &ClientId,
) -> Result<ClientErasure, CommandError> {
    let begun = s.records.record::<ClientErasure>(tenant, id).await?;
    let Some(client) = s.records.client(tenant, id).await? else {
        return match begun {
            Some(erasure) => {
                if !erasure.is_done() {
                    wake(s, tenant, id).await?;
                }
                Ok(erasure)
            }
            None => Err(CommandError::NotFound("client")),
        };
    };
    let erasure = ClientErasure {
        tenant: tenant.clone(),
        client: id.clone(),
        requested_at: s.clock.now(),
        finished_at: None,
        next: ErasureStep::Records { cursor: None },
        erased: ErasedCounts::default(),
        keys: ErasureKeys {
            email: client.email.as_ref().map(|e| s.pseudonyms.email(e)),
            phone: client.phone.as_ref().map(|p| s.pseudonyms.phone(p)),
            contact_senders: client.contact_sender_keys(),
            unsubscribed: false,
        },
        version: begun.as_ref().map_or(1, |b| b.version + 1),
    };
    let expected = begun
        .as_ref()
        .map_or(Expected::Absent, |b| Expected::Version(b.version));
    s.records
        .put(Record::Erasure(erasure.clone()), expected)
        .await?;
    s.records.delete(&client.key(), client.version).await?;
    if let Some(mailboxes) = &s.mailboxes {
        let mentions: Vec<String> = [
            Some(client.name.to_string()),
            client.email.as_ref().map(|e| e.as_str().to_owned()),
            client.phone.as_ref().map(|p| p.as_str().to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        mailboxes
            .forget_mentions(&mentions)
            .await
            .map_err(|e| StoreError::Unavailable(format!("the outbox: {e}")))?;
    }
    wake(s, tenant, id).await?;
    tracing::info!("client erasure begun");
    Ok(erasure)
}

/// The erasure of `id`, begun or done.
pub async fn erasure_of(
    s: &ApiServices,
    tenant: &TenantId,
    id: &ClientId,
) -> Result<ClientErasure, CommandError> {
    s.records
        .record::<ClientErasure>(tenant, id)
        .await?
        .ok_or(CommandError::NotFound("erasure"))
}

async fn wake(s: &ApiServices, tenant: &TenantId, id: &ClientId) -> Result<(), CommandError> {
    s.erasures
        .wake(&ErasureWork::new(tenant, id))
        .await
        .map_err(|e| StoreError::Unavailable(format!("the erasure queue: {}", e.0)).into())
}
