//! A client changed: the plans of their booked appointments and their re-engagement.

use super::appointment::replan;
use crate::effects::{QueueAs, Reaction, ReactionError, apply_diff};
use crate::services::ReactionServices;
use crate::subjects::Substitute;
use rappel_core::model::Client;
use rappel_core::planning::client::{ClientContext, reengagement};
use rappel_core::planning::diff_deciding_early;
use rappel_ports::records::TypedRecords;

/// A client's contact details or consent changed: the plans of their booked appointments and
/// their re-engagement steps, old image against current.
pub(super) async fn client_changed(
    s: &ReactionServices,
    old: &Client,
    new: &Client,
) -> Result<Reaction, ReactionError> {
    let booked = s
        .records
        .appointments_of_client(&new.tenant, &new.id)
        .await?;
    let settings = s.records.settings(&new.tenant).await?;
    let mut reaction = replan(
        s,
        &new.tenant,
        booked.clone(),
        &Substitute::Client(old.clone()),
        Some(&settings),
    )
    .await?;
    let plan = |client: &Client| {
        reengagement(&ClientContext {
            settings: &settings,
            client,
            appointments: &booked,
        })
    };
    apply_diff(
        s,
        diff_deciding_early(&plan(old), &plan(new)),
        QueueAs::ItsKind,
        &mut reaction,
    )
    .await?;
    Ok(reaction)
}
