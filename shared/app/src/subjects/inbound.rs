//! Loading what an automatic reply depends on: the settings, the message, its sender's client
//! record, and what the same sender sent within the reply window before it.

use super::{ContextError, MissingRecord, SendTime, SubjectAtSend};
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, Verdict};
use rappel_core::model::{Client, ClientId, Inbound, InboundId, TenantId};
use rappel_core::planning::inbound::{self, InboundContext};
use rappel_core::render::{ComposeError, Rendering};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{RecordStore, StoreError, TypedRecords};

#[derive(Debug, Clone)]
pub struct InboundRecords {
    pub settings: BusinessSettings,
    pub inbound: Inbound,
    pub client: Option<Client>,
    pub earlier: Vec<Inbound>,
}

impl InboundRecords {
    pub async fn load(
        records: &dyn RecordStore,
        tenant: &TenantId,
        id: &InboundId,
    ) -> Result<Option<Self>, ContextError> {
        let Some(inbound) = records.inbound(tenant, id).await? else {
            return Ok(None);
        };
        Ok(Some(Self::around(records, inbound).await?))
    }

    pub async fn around(records: &dyn RecordStore, inbound: Inbound) -> Result<Self, StoreError> {
        let tenant = inbound.tenant.clone();
        let settings = records.settings(&tenant).await?;
        let client = match inbound.sender.client_id() {
            Some(id) => records.client(&tenant, id).await?,
            None => None,
        };
        let window = settings.input.notifications.auto_replies.window_hours;
        let earlier = records
            .inbound_from(
                &tenant,
                &inbound.sender.key(),
                inbound.received_at - window.duration(),
                inbound.received_at,
            )
            .await?;
        Ok(Self {
            settings,
            inbound,
            client,
            earlier,
        })
    }

    pub fn context(&self) -> InboundContext<'_> {
        InboundContext {
            settings: &self.settings,
            inbound: &self.inbound,
            client: self.client.as_ref(),
            earlier: &self.earlier,
        }
    }
}

impl SubjectAtSend for InboundRecords {
    type Context<'a> = InboundContext<'a>;

    fn context(&self, _: &MessageKey) -> Result<InboundContext<'_>, MissingRecord> {
        Ok(InboundRecords::context(self))
    }

    fn client(&self) -> Option<&ClientId> {
        self.inbound.sender.client_id()
    }

    fn verdict(key: &MessageKey, ctx: &InboundContext<'_>, now: DateTime<Utc>) -> Verdict {
        inbound::verdict(key, ctx, now)
    }

    fn rendering<'a>(
        key: &MessageKey,
        ctx: &InboundContext<'a>,
        _: SendTime<'_>,
    ) -> Result<Rendering<'a>, ComposeError>
    where
        Self: 'a,
    {
        inbound::rendering(key, ctx)
    }
}
