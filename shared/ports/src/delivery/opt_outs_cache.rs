//! An SMS sender that asks the provider's opt-out list once per number in one invocation (a
//! batch of messages): a confirmation and an offer to the same phone cost one lookup. An
//! answer of STOP arriving during the invocation is the same race as one arriving just after
//! the send, which the provider itself then enforces.

use super::{OutgoingSms, ProviderReceipt, SendError, SmsSender};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::PhoneNumber;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct OptOutsCache {
    inner: Arc<dyn SmsSender>,
    answers: Mutex<HashMap<PhoneNumber, bool>>,
}

impl OptOutsCache {
    pub fn new(inner: Arc<dyn SmsSender>) -> Self {
        Self {
            inner,
            answers: Mutex::new(HashMap::new()),
        }
    }

    fn remembered(&self, phone: &PhoneNumber) -> Option<bool> {
        self.answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(phone)
            .copied()
    }
}

#[async_trait]
impl SmsSender for OptOutsCache {
    async fn is_opted_out(&self, phone: &PhoneNumber) -> Result<bool, SendError> {
        if let Some(answer) = self.remembered(phone) {
            return Ok(answer);
        }
        let answer = self.inner.is_opted_out(phone).await?;
        self.answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(phone.clone(), answer);
        Ok(answer)
    }

    async fn send_sms(
        &self,
        sms: &OutgoingSms,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        self.inner.send_sms(sms, now).await
    }
}
