//! What a business's SMS cost and how much it may spend: SMS are more than 99 % of the bill
//! (docs/COSTS.md), and one business's runaway list or a pumping attack must not spend the
//! others' share. A business may set a monthly budget (`sms_budget` in its settings); each SMS
//! is priced before it is sent — its parts × the price of a part to its destination country —
//! and refused once the month's spending would pass the budget. A business may also cap how
//! many messages it sends an hour (`send_cap`): what passes the cap waits for a later hour.

mod cost;
mod price;
mod send_cap;
mod sms_budget;

pub use cost::{Cost, UsageMonth};
pub use price::price_per_part;
pub use send_cap::{InvalidSendCap, MAX_MESSAGES_PER_HOUR, SendCap, UsageHour};
pub use sms_budget::{BudgetState, InvalidSmsBudget, SmsBudget, WARNING_PERCENT};
