//! What a digest renders from: the day's first appointments and its counts, in the
//! recipient's zone and language. A day of any size renders a digest of bounded size: at most
//! [`DIGEST_ROWS`] rows and [`DIGEST_STAFF_COUNTS`] staff counts, the rest counted.

use super::{DIGEST_ROWS, DIGEST_STAFF_COUNTS, DayContext, DayRecipient};
use crate::message::MessageKey;
use crate::render::zone_name;
use crate::render::{
    ComposeError, DayAppointment, DayVariables, Rendering, StaffCount, TemplateVariables,
    format_date, format_time,
};

pub fn rendering<'a>(
    key: &MessageKey,
    ctx: &DayContext<'a>,
) -> Result<Rendering<'a>, ComposeError> {
    let contact = ctx
        .contact(&key.recipient)
        .ok_or(ComposeError::UnknownRecipient)?;
    let zone = contact.time_zone;
    let (day_start, _) = ctx.bounds();
    let name_of_client = |a: &crate::model::Appointment| {
        ctx.clients
            .iter()
            .find(|c| c.id == a.client_id)
            .map_or_else(|| a.client_id.to_string(), |c| c.name.to_string())
    };
    let name_of_type = |a: &crate::model::Appointment| {
        ctx.types
            .iter()
            .find(|t| t.id == a.type_id)
            .map_or_else(|| a.type_id.to_string(), |t| t.name.to_string())
    };
    let name_of_staff = |a: &crate::model::Appointment| {
        ctx.staff
            .iter()
            .find(|s| s.id == a.staff_id)
            .map_or_else(|| a.staff_id.to_string(), |s| s.name.to_string())
    };
    let appointments: Vec<DayAppointment> = ctx
        .listed()
        .into_iter()
        .take(DIGEST_ROWS)
        .map(|a| DayAppointment {
            time: format_time(a.start, zone, contact.locale),
            end_time: format_time(a.end, zone, contact.locale),
            client_name: name_of_client(a),
            type_name: name_of_type(a),
            staff_name: name_of_staff(a),
            status: a.status.as_str().to_owned(),
            confirmation: a
                .client_confirmation
                .map(|c| confirmation_label(c.state, contact.locale.templates()).to_owned()),
        })
        .collect();
    let count = ctx.count();
    let (staff_counts, more_staff) = match ctx.recipient {
        DayRecipient::Staff(_) => (Vec::new(), 0),
        DayRecipient::Manager(_) => {
            let all = ctx.staff_counts();
            let name_of = |id: &crate::model::StaffId| {
                ctx.staff
                    .iter()
                    .find(|s| s.id == *id)
                    .map_or_else(|| id.to_string(), |s| s.name.to_string())
            };
            let listed: Vec<StaffCount> = all
                .iter()
                .take(DIGEST_STAFF_COUNTS)
                .map(|(id, n)| StaffCount {
                    staff_name: name_of(id),
                    count: *n,
                })
                .collect();
            let more = all.len() - listed.len();
            (listed, more)
        }
    };
    let business_name = ctx.settings.input.business_name.to_string();
    let vars = DayVariables {
        locale: contact.locale.tag(),
        recipient_name: contact.name.to_string(),
        business_name: business_name.clone(),
        date: format_date(day_start, zone, contact.locale),
        time_zone: zone_name(zone, contact.locale),
        count,
        first_time: appointments.first().map(|a| a.time.clone()),
        more: count.saturating_sub(appointments.len()),
        appointments,
        staff_counts,
        more_staff,
        agenda_url: ctx
            .settings
            .input
            .notifications
            .digest
            .agenda_url
            .as_ref()
            .map(|url| url.for_date(ctx.date)),
    };
    Ok(Rendering {
        contact,
        variables: TemplateVariables::Day(vars),
        business_name,
        reply_to: ctx.settings.input.reply_to(None),
        calendar: None,
        list_unsubscribe: None,
        asks_confirmation: None,
    })
}

/// How a digest names what the client answered.
fn confirmation_label(
    state: crate::model::ConfirmationState,
    language: crate::model::Language,
) -> &'static str {
    use crate::model::{ConfirmationState as S, Language as L};
    match (state, language) {
        (S::Confirmed, L::Fr) => "présence confirmée",
        (S::Confirmed, L::En) => "attendance confirmed",
        (S::Requested, L::Fr) => "sans réponse",
        (S::Requested, L::En) => "no answer yet",
        (S::Declined, L::Fr) => "annulé par le client",
        (S::Declined, L::En) => "cancelled by the client",
    }
}
