//! Loading what a client's plan depends on: the settings, the client and all their
//! appointments.

use super::{ContextError, MissingRecord, SendTime, SubjectAtSend};
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, Verdict};
use rappel_core::model::{Appointment, Client, ClientId, TenantId};
use rappel_core::planning::client::{self, ClientContext};
use rappel_core::render::{ComposeError, Rendering};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{RecordStore, TypedRecords};

#[derive(Debug, Clone)]
pub struct ClientRecords {
    pub settings: BusinessSettings,
    pub client: Client,
    pub appointments: Vec<Appointment>,
}

impl ClientRecords {
    /// `None` if the client is gone. `settings`, when the caller holds them, are not read again.
    pub async fn load(
        records: &dyn RecordStore,
        tenant: &TenantId,
        id: &ClientId,
        settings: Option<BusinessSettings>,
    ) -> Result<Option<Self>, ContextError> {
        let Some(client) = records.client(tenant, id).await? else {
            return Ok(None);
        };
        let settings = match settings {
            Some(s) => s,
            None => records.settings(tenant).await?,
        };
        let appointments = records.appointments_of_client(tenant, id).await?;
        Ok(Some(Self {
            settings,
            client,
            appointments,
        }))
    }

    pub fn context(&self) -> ClientContext<'_> {
        ClientContext {
            settings: &self.settings,
            client: &self.client,
            appointments: &self.appointments,
        }
    }
}

impl SubjectAtSend for ClientRecords {
    type Context<'a> = ClientContext<'a>;

    fn context(&self, _: &MessageKey) -> Result<ClientContext<'_>, MissingRecord> {
        Ok(ClientRecords::context(self))
    }

    fn client(&self) -> Option<&ClientId> {
        Some(&self.client.id)
    }

    fn verdict(key: &MessageKey, ctx: &ClientContext<'_>, now: DateTime<Utc>) -> Verdict {
        client::verdict(key, ctx, now)
    }

    fn rendering<'a>(
        key: &MessageKey,
        ctx: &ClientContext<'a>,
        at: SendTime<'_>,
    ) -> Result<Rendering<'a>, ComposeError>
    where
        Self: 'a,
    {
        client::rendering(key, ctx, at.links, at.now)
    }
}
