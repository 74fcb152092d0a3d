//! `PUT/GET /v1/templates/{kind}/{channel}/{locale}[?type_id=…]`: a business's own texts. A
//! template is checked when saved (syntax, unknown variables), with the line of the error.

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_app::commands::templates::{TemplateSlot, check_scope, save_template};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::{AppointmentTypeId, Language};
use rappel_core::render::{
    SmsEncoding, TemplateBody, TemplateVariables, default_template, render_sms, variable_names,
};
use rappel_ports::records::TypedRecords;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Scope {
    type_id: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TemplateView {
    kind: MessageKind,
    channel: Channel,
    locale: Language,
    type_id: Option<AppointmentTypeId>,
    /// "custom" (saved by the business) or "default" (built in).
    source: &'static str,
    version: u64,
    #[serde(flatten)]
    body: TemplateBody,
    variables: &'static [&'static str],
    /// An SMS template's text with sample values, and what it costs: how many parts (each
    /// billed as one SMS). Absent for e-mail.
    sms_sample: Option<SmsSample>,
}

/// What an SMS template makes with sample values. A marketing SMS also gets its opt-out
/// line ("Répondez STOP…", or the deployment's "STOP au …") unless the text offers STOP.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SmsSample {
    text: String,
    /// `gsm7` (160 characters, 153 a part when longer) or `ucs2` (70, then 67 a part): a
    /// single character outside the GSM alphabet makes the whole SMS UCS-2.
    encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    units: usize,
    parts: usize,
}

impl SmsSample {
    fn of(
        kind: MessageKind,
        channel: Channel,
        locale: Language,
        body: &TemplateBody,
    ) -> Option<Self> {
        if channel != Channel::Sms {
            return None;
        }
        let sample = TemplateVariables::sample(kind.facts().subject, locale);
        let sms = render_sms(body, &sample).ok()?;
        Some(Self {
            text: sms.text,
            encoding: sms.size.encoding,
            units: sms.size.units,
            parts: sms.size.segments,
        })
    }
}

fn parse_path(
    kind: &str,
    channel: &str,
    locale: &str,
) -> Result<(MessageKind, Channel, Language), ApiError> {
    let kind = MessageKind::parse(kind).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "unknown_kind",
            e.to_string(),
        )
    })?;
    let channel = Channel::parse(channel).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "unknown_channel",
            e.to_string(),
        )
    })?;
    let locale = Language::parse(locale).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "unknown_locale",
            e.to_string(),
        )
    })?;
    Ok((kind, channel, locale))
}

async fn scope(
    state: &ApiState,
    tenant: &rappel_core::model::TenantId,
    scope: Scope,
) -> Result<Option<AppointmentTypeId>, ApiError> {
    let type_id = scope
        .type_id
        .map(|raw| path_id::<AppointmentTypeId>(&raw, "appointment type"))
        .transpose()?;
    check_scope(&state.services, tenant, type_id.as_ref()).await?;
    Ok(type_id)
}

#[utoipa::path(
    get, path = "/v1/templates/{kind}/{channel}/{locale}", tag = "templates", operation_id = "getTemplate",
    summary = "The text a kind of message is written with (the business's, or the built-in default)",
    params(("kind" = MessageKind, Path, description = "The kind of message."), ("channel" = Channel, Path), ("locale" = String, Path, description = "fr or en (a tag such as fr-FR is read as its language).", example = "fr"),
      ("type_id" = Option<String>, Query, description = "The appointment type it is for, when it has its own.")),
    responses((status = 200, description = "The template, with its source and the variables it may use.", body = TemplateView),
      (status = 404, description = "unknown_kind, unknown_channel or unknown_locale; not_found (an unknown type_id); not_per_type (this kind has no per-type text).", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path((kind, channel, locale)): Path<(String, String, String)>,
    ApiQuery(q): ApiQuery<Scope>,
) -> Result<Json<TemplateView>, ApiError> {
    let (kind, channel, locale) = parse_path(&kind, &channel, &locale)?;
    let type_id = scope(&state, &tenant, q).await?;
    let stored = state
        .services
        .records
        .template(&tenant, kind, channel, locale, type_id.as_ref())
        .await?;
    Ok(Json(match stored {
        Some(t) => TemplateView {
            kind,
            channel,
            locale,
            type_id,
            source: "custom",
            version: t.version,
            sms_sample: SmsSample::of(kind, channel, locale, &t.body),
            body: t.body,
            variables: variable_names(kind.facts().subject),
        },
        None => {
            let body = default_template(kind, channel, locale);
            TemplateView {
                kind,
                channel,
                locale,
                type_id,
                source: "default",
                version: 0,
                sms_sample: SmsSample::of(kind, channel, locale, &body),
                body,
                variables: variable_names(kind.facts().subject),
            }
        }
    }))
}

#[utoipa::path(
    put, path = "/v1/templates/{kind}/{channel}/{locale}", tag = "templates", operation_id = "putTemplate",
    summary = "Save the business's own text, checked (syntax, unknown variables, cost) before it is kept",
    params(("kind" = MessageKind, Path, description = "The kind of message."), ("channel" = Channel, Path), ("locale" = String, Path, description = "fr or en.", example = "fr"),
      ("type_id" = Option<String>, Query, description = "The appointment type it is for, when it has its own.")),
    request_body(content = TemplateBody, example = json!({"subject": "Votre rendez-vous du {{ date }}", "text": "Bonjour {{ client_name }}, à demain {{ time }}."})),
    responses((status = 200, description = "The template as saved.", body = TemplateView),
      (status = 404, description = "unknown_kind, unknown_channel or unknown_locale; not_found (an unknown type_id); not_per_type.", body = crate::error::Problem),
      (status = 422, description = "invalid_template, template_syntax (with its line) or template_too_costly.", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path((kind, channel, locale)): Path<(String, String, String)>,
    ApiQuery(q): ApiQuery<Scope>,
    ApiJson(body): ApiJson<TemplateBody>,
) -> Result<Json<TemplateView>, ApiError> {
    let (kind, channel, locale) = parse_path(&kind, &channel, &locale)?;
    let type_id = q
        .type_id
        .map(|raw| path_id::<AppointmentTypeId>(&raw, "appointment type"))
        .transpose()?;
    let slot = TemplateSlot {
        kind,
        channel,
        language: locale,
        type_id,
    };
    let stored = save_template(&state.services, &tenant, slot, body).await?;
    let (type_id, body, version) = (stored.type_id, stored.body, stored.version);
    Ok(Json(TemplateView {
        kind,
        channel,
        locale,
        type_id,
        source: "custom",
        version,
        sms_sample: SmsSample::of(kind, channel, locale, &body),
        body,
        variables: variable_names(kind.facts().subject),
    }))
}
