//! `PUT/GET /v1/templates/{kind}/{channel}/{locale}[?type_id=…]`: a business's own texts. A
//! template is checked when saved (syntax, unknown variables), with the line of the error.

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, OptionalJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_app::commands::templates::{TemplateSlot, check_scope, save_template};
use rappel_app::template_preview::{
    self, PreviewRequest, PreviewSubject, TemplateSource, TestRecipient,
};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::{
    AppointmentId, AppointmentTypeId, ClientId, EmailAddress, InboundId, InvoiceId, Language,
    PhoneNumber, QuoteId,
};
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

/// What to preview: an unsaved text (else the saved one, else the built-in one) with one of
/// the business's subjects (at most one id), or with sample values when none is given.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    /// A text to try before saving it (checked as a save would).
    #[serde(default)]
    template: Option<TemplateBody>,
    #[serde(default)]
    appointment_id: Option<AppointmentId>,
    #[serde(default)]
    client_id: Option<ClientId>,
    #[serde(default)]
    invoice_id: Option<InvoiceId>,
    #[serde(default)]
    quote_id: Option<QuoteId>,
    #[serde(default)]
    inbound_id: Option<InboundId>,
    /// Also send it, as previewed, to this address (e-mail) or E.164 number (SMS): through
    /// the send function, recorded in the subject's client's history as `test_sent` — never
    /// as the subject's message.
    #[serde(default)]
    #[schema(example = "owner@salon.example")]
    send_to: Option<String>,
}

impl PreviewInput {
    fn send_to(&self, channel: Channel) -> Result<Option<TestRecipient>, ApiError> {
        let Some(raw) = &self.send_to else {
            return Ok(None);
        };
        let refused =
            |what: &str| ApiError::unprocessable("invalid_field", format!("send_to: {what}"));
        match channel {
            Channel::Email => EmailAddress::parse(raw)
                .map(|a| Some(TestRecipient::Email(a)))
                .map_err(|_| refused("an e-mail address, for an e-mail")),
            Channel::Sms => PhoneNumber::parse(raw)
                .map(|n| Some(TestRecipient::Phone(n)))
                .map_err(|_| refused("an E.164 phone number, for an SMS")),
        }
    }

    fn about(&self) -> Result<PreviewSubject, ApiError> {
        let given = [
            self.appointment_id.clone().map(PreviewSubject::Appointment),
            self.client_id.clone().map(PreviewSubject::Client),
            self.invoice_id.clone().map(PreviewSubject::Invoice),
            self.quote_id.clone().map(PreviewSubject::Quote),
            self.inbound_id.clone().map(PreviewSubject::Inbound),
        ];
        let mut given = given.into_iter().flatten();
        match (given.next(), given.next()) {
            (None, _) => Ok(PreviewSubject::Sample),
            (Some(about), None) => Ok(about),
            (Some(_), Some(_)) => Err(ApiError::unprocessable(
                "invalid_field",
                "appointment_id, client_id, invoice_id, quote_id, inbound_id: at most one",
            )),
        }
    }
}

/// An SMS's size: what it costs.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SmsParts {
    encoding: SmsEncoding,
    units: usize,
    parts: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PreviewView {
    /// `request` (the text sent), `custom` (the business's saved one) or `default`.
    #[schema(example = "custom")]
    source: &'static str,
    /// Whether sample values stand in for a subject.
    sample: bool,
    /// Where it would go (the subject's recipient's address or number); `null` for a sample.
    to: Option<String>,
    /// An e-mail's subject line.
    subject: Option<String>,
    text: String,
    /// An e-mail's HTML part.
    html: Option<String>,
    /// An SMS's encoding and parts (each billed as one SMS).
    sms: Option<SmsParts>,
    /// The test's id when `send_to` was given (it is on its way through the send queue).
    test_id: Option<String>,
}

#[utoipa::path(
    post, path = "/v1/templates/{kind}/{channel}/{locale}/preview", tag = "templates", operation_id = "previewTemplate",
    summary = "Render a template (saved, unsaved or built-in) with a real subject or sample values, and send a test if asked",
    params(("kind" = MessageKind, Path, description = "The kind of message."), ("channel" = Channel, Path), ("locale" = String, Path, description = "fr or en.", example = "fr"),
      ("type_id" = Option<String>, Query, description = "The appointment type whose saved text to prefer."),
      crate::idempotency::IdempotencyKey),
    request_body(content = Option<PreviewInput>, description = "Optional: an unsaved text and the subject; empty for the saved text with sample values.", example = json!({"template": {"text": "Bonjour {{ client_name }}, à {{ time }} !"}, "appointment_id": "ap_5b7d0e"})),
    responses((status = 200, description = "The message as it would be composed.", body = PreviewView),
      (status = 404, description = "unknown_kind, unknown_channel or unknown_locale; not_found (the subject or the type_id).", body = crate::error::Problem),
      (status = 422, description = "subject_mismatch (a subject of another kind than the message's), no_address (the recipient has no address for the channel), template_syntax, invalid_template, template_too_costly, invalid_field.", body = crate::error::Problem))
)]
pub async fn preview(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path((kind, channel, locale)): Path<(String, String, String)>,
    ApiQuery(q): ApiQuery<Scope>,
    OptionalJson(input): OptionalJson<PreviewInput>,
) -> Result<Json<PreviewView>, ApiError> {
    let (kind, channel, locale) = parse_path(&kind, &channel, &locale)?;
    let type_id = q
        .type_id
        .map(|raw| path_id::<AppointmentTypeId>(&raw, "appointment type"))
        .transpose()?;
    let about = input.about()?;
    let send_to = input.send_to(channel)?;
    let sample = matches!(about, PreviewSubject::Sample);
    let request = PreviewRequest {
        kind,
        channel,
        language: locale,
        type_id,
        body: input.template,
        about,
        send_to,
    };
    let shown = template_preview::preview(&state.services, &state.links, &tenant, request).await?;
    Ok(Json(PreviewView {
        source: match shown.source {
            TemplateSource::Request => "request",
            TemplateSource::Custom => "custom",
            TemplateSource::Default => "default",
        },
        sample,
        to: shown.to,
        subject: shown.subject,
        text: shown.text,
        html: shown.html,
        sms: shown.sms.map(|size| SmsParts {
            encoding: size.encoding,
            units: size.units,
            parts: size.segments,
        }),
        test_id: shown.test_id,
    }))
}
