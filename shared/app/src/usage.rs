//! A business's usage of a month, as `GET /v1/usage` shows it: what was sent by kind and
//! channel, the SMS parts and their cost, and where that stands against its SMS budget. One
//! item read (the month's counters) and the settings: bounded whatever the business's size.

use crate::services::ApiServices;
use rappel_core::budget::{BudgetState, Cost, SmsBudget, UsageHour, UsageMonth, WARNING_PERCENT};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::TenantId;
use rappel_ports::records::{StoreError, TypedRecords};
use rappel_ports::usage::UsageError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum UsageViewError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Usage(#[from] UsageError),
}

/// Messages of one kind on one channel.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UsageLineView {
    pub kind: MessageKind,
    pub channel: Channel,
    pub messages: u64,
    /// SMS parts (0 for e-mail).
    pub parts: u64,
}

/// The month's SMS and the budget.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SmsUsageView {
    pub parts: u64,
    /// What they cost, in euros to the ten-thousandth (`"12.3456"`).
    #[schema(example = "12.3456")]
    pub cost_eur: String,
    /// SMS not sent because they would have passed the budget (recorded
    /// `suppressed: sms_budget`).
    pub refused_by_budget: u64,
    /// The business's budget, if it set one (`sms_budget` in the settings).
    pub budget: Option<BudgetView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetView {
    pub monthly_limit_cents: u32,
    /// Spent, in whole percent of the limit (may pass 100 by the SMS in flight at once).
    pub percent: u64,
    /// `ok`; `warning` from 80 %; `exhausted`: SMS are suppressed (`sms_budget`) until the
    /// month ends or the limit is raised.
    pub state: BudgetState,
    pub warning_at_percent: u64,
}

/// The business's send cap and the current hour against it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SendCapView {
    pub messages_per_hour: u32,
    /// The current UTC hour.
    #[schema(example = "2026-03-20T09")]
    pub hour: String,
    /// Messages sent this hour, every kind and channel together.
    pub sent_this_hour: u64,
    /// Messages held back this hour for a slot in a later one (none is dropped).
    pub held_this_hour: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UsageView {
    /// The calendar month, in UTC.
    #[schema(value_type = String, example = "2026-03")]
    pub month: UsageMonth,
    /// What was sent, by kind and channel (messages the provider accepted).
    pub messages: Vec<UsageLineView>,
    pub sms: SmsUsageView,
    /// The business's send cap (`send_cap` in the settings) and this hour, if it set one.
    pub send_cap: Option<SendCapView>,
}

fn budget_view(budget: SmsBudget, spent: Cost, refused: u64) -> BudgetView {
    let limit = budget.limit().0.max(1);
    BudgetView {
        monthly_limit_cents: budget.monthly_limit_cents,
        percent: spent.0.saturating_mul(100) / limit,
        state: budget.state(spent, refused),
        warning_at_percent: WARNING_PERCENT,
    }
}

/// `tenant`'s usage of `month`.
pub async fn usage_of(
    s: &ApiServices,
    tenant: &TenantId,
    month: &UsageMonth,
) -> Result<UsageView, UsageViewError> {
    let usage = s.usage.month(tenant, month).await?;
    let settings = s.records.settings(tenant).await?.input;
    let budget = settings.sms_budget;
    let send_cap = match settings.send_cap {
        Some(cap) => {
            let hour = UsageHour::of(s.clock.now());
            let this_hour = s.usage.hour(tenant, &hour).await?;
            Some(SendCapView {
                messages_per_hour: cap.messages_per_hour,
                hour: hour.to_string(),
                sent_this_hour: this_hour.sent,
                held_this_hour: this_hour.held,
            })
        }
        None => None,
    };
    Ok(UsageView {
        send_cap,
        month: month.clone(),
        sms: SmsUsageView {
            parts: usage.sms_parts(),
            cost_eur: usage.sms_cost.amount(),
            refused_by_budget: usage.sms_refused,
            budget: budget.map(|b| budget_view(b, usage.sms_cost, usage.sms_refused)),
        },
        messages: usage
            .lines
            .into_iter()
            .map(|l| UsageLineView {
                kind: l.kind,
                channel: l.channel,
                messages: l.messages,
                parts: l.parts,
            })
            .collect(),
    })
}
