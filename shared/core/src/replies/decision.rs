//! What a reply does — decided from what was sent to that number from that origination
//! identity, never on a guess: a confirm or a cancel acts only when exactly one appointment
//! still waits for that number's answer; two live requests, or only expired ones, earn a
//! clarifying SMS and change nothing. A stop, a start or a help is for the business whose SMS
//! reached that number last; a text that is no keyword goes to that business as a message.

use super::ReplyKeyword;
use crate::model::{AppointmentId, ClientId, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An appointment a message to this number asked the client to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationRequest {
    pub tenant: TenantId,
    pub appointment: AppointmentId,
    pub asked_at: DateTime<Utc>,
    /// When the appointment begins: the request lapses then.
    pub starts_at: DateTime<Utc>,
}

impl ConfirmationRequest {
    fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.starts_at
    }
}

/// What was sent to the number from the origination identity the reply came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyContext {
    /// The requests sent to it, live or not (the store keeps the recent ones).
    pub requests: Vec<ConfirmationRequest>,
    /// The business whose SMS reached it last.
    pub last_sender: Option<TenantId>,
    /// The client that SMS was for: a reply is filed in their history.
    pub last_client: Option<ClientId>,
}

/// What to do with a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyDecision {
    /// The one appointment waiting for an answer: confirmed (again is a no-op).
    Confirm(TenantId, AppointmentId),
    /// The one appointment waiting for an answer: cancelled by the client.
    Cancel(TenantId, AppointmentId),
    /// More than one appointment waits for an answer: which one? Nothing changes.
    Clarify(Vec<(TenantId, AppointmentId)>),
    /// A confirm or a cancel with no appointment waiting (its time has come, or none was
    /// asked about): said so, nothing changes.
    NothingToAnswer(Option<TenantId>),
    Stop(TenantId),
    Start(TenantId),
    Help(TenantId),
    /// Not a keyword: a message for the business (its inbound messages, its automatic reply).
    ToBusiness(TenantId),
    /// From a number no business texted from this identity: answered with the platform's
    /// help, nothing recorded against anyone.
    Unknown,
}

pub fn decide(
    keyword: Option<ReplyKeyword>,
    context: &ReplyContext,
    now: DateTime<Utc>,
) -> ReplyDecision {
    let last = context.last_sender.clone();
    match keyword {
        Some(answer @ (ReplyKeyword::Confirm | ReplyKeyword::Cancel)) => {
            let live: Vec<&ConfirmationRequest> =
                context.requests.iter().filter(|r| r.is_live(now)).collect();
            match live.as_slice() {
                [one] if answer == ReplyKeyword::Confirm => {
                    ReplyDecision::Confirm(one.tenant.clone(), one.appointment.clone())
                }
                [one] => ReplyDecision::Cancel(one.tenant.clone(), one.appointment.clone()),
                [] => ReplyDecision::NothingToAnswer(last),
                many => ReplyDecision::Clarify(
                    many.iter()
                        .map(|r| (r.tenant.clone(), r.appointment.clone()))
                        .collect(),
                ),
            }
        }
        Some(ReplyKeyword::Stop) => last.map_or(ReplyDecision::Unknown, ReplyDecision::Stop),
        Some(ReplyKeyword::Start) => last.map_or(ReplyDecision::Unknown, ReplyDecision::Start),
        Some(ReplyKeyword::Help) => last.map_or(ReplyDecision::Unknown, ReplyDecision::Help),
        None => last.map_or(ReplyDecision::Unknown, ReplyDecision::ToBusiness),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).unwrap()
    }

    fn salon(name: &str) -> TenantId {
        TenantId::parse(name).unwrap()
    }

    fn request(tenant: &str, appointment: &str, starts_in_hours: i64) -> ConfirmationRequest {
        ConfirmationRequest {
            tenant: salon(tenant),
            appointment: AppointmentId::parse(appointment).unwrap(),
            asked_at: now() - Duration::hours(1),
            starts_at: now() + Duration::hours(starts_in_hours),
        }
    }

    fn context(requests: Vec<ConfirmationRequest>) -> ReplyContext {
        ReplyContext {
            requests,
            last_sender: Some(salon("salon-a")),
            last_client: None,
        }
    }

    #[test]
    fn one_appointment_waiting_is_confirmed_or_cancelled_by_the_reply() {
        let ctx = context(vec![request("salon-a", "ap_1", 24)]);
        assert_eq!(
            decide(Some(ReplyKeyword::Confirm), &ctx, now()),
            ReplyDecision::Confirm(salon("salon-a"), AppointmentId::parse("ap_1").unwrap())
        );
        assert_eq!(
            decide(Some(ReplyKeyword::Cancel), &ctx, now()),
            ReplyDecision::Cancel(salon("salon-a"), AppointmentId::parse("ap_1").unwrap())
        );
    }

    #[test]
    fn two_appointments_waiting_earn_a_question_and_change_nothing() {
        for ctx in [
            context(vec![
                request("salon-a", "ap_1", 24),
                request("salon-a", "ap_2", 48),
            ]),
            context(vec![
                request("salon-a", "ap_1", 24),
                request("salon-b", "ap_9", 5),
            ]),
        ] {
            let decision = decide(Some(ReplyKeyword::Cancel), &ctx, now());
            assert!(
                matches!(&decision, ReplyDecision::Clarify(both) if both.len() == 2),
                "{decision:?}"
            );
        }
    }

    #[test]
    fn a_request_whose_appointment_has_begun_is_no_longer_answered() {
        let ctx = context(vec![
            request("salon-a", "ap_1", 0),
            request("salon-a", "ap_0", -3),
        ]);
        assert_eq!(
            decide(Some(ReplyKeyword::Confirm), &ctx, now()),
            ReplyDecision::NothingToAnswer(Some(salon("salon-a")))
        );
        // One past and one ahead: the one ahead is the only candidate.
        let ctx = context(vec![
            request("salon-a", "ap_0", -3),
            request("salon-a", "ap_1", 2),
        ]);
        assert_eq!(
            decide(Some(ReplyKeyword::Confirm), &ctx, now()),
            ReplyDecision::Confirm(salon("salon-a"), AppointmentId::parse("ap_1").unwrap())
        );
    }

    #[test]
    fn stop_start_help_and_free_text_are_for_the_business_that_texted_last() {
        let ctx = context(Vec::new());
        assert_eq!(
            decide(Some(ReplyKeyword::Stop), &ctx, now()),
            ReplyDecision::Stop(salon("salon-a"))
        );
        assert_eq!(
            decide(Some(ReplyKeyword::Start), &ctx, now()),
            ReplyDecision::Start(salon("salon-a"))
        );
        assert_eq!(
            decide(Some(ReplyKeyword::Help), &ctx, now()),
            ReplyDecision::Help(salon("salon-a"))
        );
        assert_eq!(
            decide(None, &ctx, now()),
            ReplyDecision::ToBusiness(salon("salon-a"))
        );
    }

    #[test]
    fn a_number_nobody_texted_is_answered_without_acting_for_anyone() {
        let stranger = ReplyContext::default();
        for keyword in [
            None,
            Some(ReplyKeyword::Stop),
            Some(ReplyKeyword::Help),
            Some(ReplyKeyword::Start),
        ] {
            assert_eq!(decide(keyword, &stranger, now()), ReplyDecision::Unknown);
        }
        assert_eq!(
            decide(Some(ReplyKeyword::Confirm), &stranger, now()),
            ReplyDecision::NothingToAnswer(None)
        );
    }
}
