//! A business's own texts: checked when saved (syntax, unknown variables, cost), per kind,
//! channel, language and, for appointment messages, per appointment type.

use super::CommandError;
use crate::ApiServices;
use rappel_core::message::{Channel, MessageKind, SubjectKind};
use rappel_core::model::{AppointmentTypeId, Language, TenantId};
use rappel_core::render::{InvalidTemplate, TemplateBody, validate};
use rappel_ports::records::{Expected, Record, StoredTemplate, TypedRecords};

/// Which template: a kind of message on a channel in a language, maybe for one type.
#[derive(Debug, Clone)]
pub struct TemplateSlot {
    pub kind: MessageKind,
    pub channel: Channel,
    pub language: Language,
    pub type_id: Option<AppointmentTypeId>,
}

/// The type a template is scoped to must be one of the business's.
pub async fn check_scope(
    services: &ApiServices,
    tenant: &TenantId,
    type_id: Option<&AppointmentTypeId>,
) -> Result<(), CommandError> {
    if let Some(id) = type_id
        && services
            .records
            .appointment_type(tenant, id)
            .await?
            .is_none()
    {
        return Err(CommandError::NotFound("appointment type"));
    }
    Ok(())
}

/// A text is checked before it is kept or previewed: syntax (with its line), unknown
/// variables, cost.
pub fn check_template(
    body: &TemplateBody,
    kind: MessageKind,
    channel: Channel,
) -> Result<(), CommandError> {
    validate(body, kind, channel).map_err(|e| {
        let code = match e {
            InvalidTemplate::Syntax(_) => "template_syntax",
            InvalidTemplate::TooCostly(_) => "template_too_costly",
            _ => "invalid_template",
        };
        CommandError::invalid(code, e.to_string())
    })
}

/// Checks and saves the business's text for `slot`.
pub async fn save_template(
    services: &ApiServices,
    tenant: &TenantId,
    slot: TemplateSlot,
    body: TemplateBody,
) -> Result<StoredTemplate, CommandError> {
    let TemplateSlot {
        kind,
        channel,
        language,
        type_id,
    } = slot;
    check_scope(services, tenant, type_id.as_ref()).await?;
    if type_id.is_some() && kind.facts().subject != SubjectKind::Appointment {
        return Err(CommandError::invalid(
            "not_per_type",
            format!(
                "{kind} messages are not about an appointment: they have no per-type templates"
            ),
        ));
    }
    check_template(&body, kind, channel)?;
    let records = &services.records;
    let refused = records
        .settings(tenant)
        .await?
        .input
        .link_domains
        .refused_links(&body);
    if !refused.is_empty() {
        return Err(CommandError::invalid(
            "link_domain_not_allowed",
            format!(
                "the template links to {}: a template may link only to the domains in the settings' link_domains (Rappel's own links come from its variables)",
                refused.join(", ")
            ),
        ));
    }
    let current = records
        .template(tenant, kind, channel, language, type_id.as_ref())
        .await?;
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let stored = StoredTemplate {
        tenant: tenant.clone(),
        kind,
        channel,
        locale: language,
        type_id,
        body,
        version: current.map_or(1, |c| c.version + 1),
        updated_at: services.clock.now(),
    };
    records
        .put(Record::Template(stored.clone()), expected)
        .await?;
    Ok(stored)
}
