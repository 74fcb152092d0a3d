//! The public link routes: what a client reaches from a message, with no login — the link's
//! signature is the authority, bound to its business, subject and action.
//!
//! - `GET /links/{tenant}/{appointment}/cancel` shows the appointment and a button; only the
//!   `POST` of that button cancels (mail scanners prefetch links: a `GET` never changes
//!   anything), through the same use case as `POST /v1/appointments/{id}/cancel`, by the client.
//! - `GET /links/{tenant}/{appointment}/reschedule` answers 303 to the business's booking page
//!   with a signed token, or a page asking the client to contact the business.
//! - `GET /links/{tenant}/{client}/unsubscribe` shows a button; a `POST` with
//!   `List-Unsubscribe=One-Click` (RFC 8058, what mail clients send) withdraws the client's
//!   marketing consent and answers 200, no redirect.
//!
//! A link that is malformed, tampered with or names nothing answers the same 404 page, so a
//! page never tells whether something exists; expired → 410; cancelled, begun, over → 409.

use crate::one_click::is_one_click;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use rappel_app::ApiServices;
use rappel_app::commands::CommandError;
use rappel_app::commands::appointments::{ClientAnswer, cancel_by_client, confirm_by_client};
use rappel_app::commands::clients::{Withdrawal, withdraw_marketing};
use rappel_core::model::{
    Appointment, AppointmentError, AppointmentId, AppointmentStatus, ClientId, ConfirmationChannel,
    Language, Locale, TenantId,
};
use rappel_core::render::{
    AppointmentSummary, LinkAction, LinkError, LinkProblem, LinkSigner, Page,
    attendance_confirm_page, attendance_confirmed_page, cancel_confirm_page, cancelled_page,
    format_date, format_time, problem_page, reschedule_contact_page, unsubscribe_confirm_page,
    unsubscribed_page,
};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{StoreError, TypedRecords};
use rappel_ports::schedules::{SendRequest, Unsubscribe};
use serde::Deserialize;

/// What the link routes run with: the API's ports and the link keys.
#[derive(Clone)]
pub struct LinksState {
    pub services: ApiServices,
    pub links: LinkSigner,
}

/// The form a link's button posts (and a mail provider's one-click unsubscribe, RFC 8058):
/// described for the contract; the body is read by `one_click::is_one_click`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // only its schema is used
pub struct OneClickForm {
    /// `One-Click` for an unsubscribe; a cancel needs no field.
    #[schema(rename = "List-Unsubscribe", value_type = Option<String>, example = "One-Click")]
    list_unsubscribe: Option<String>,
}

/// The body RFC 8058 one-click unsubscribe requests carry.
pub const ONE_CLICK_BODY: &str = "List-Unsubscribe=One-Click";
/// A link route's body is a form field at most.
const MAX_LINK_BODY_BYTES: usize = 1024;

pub fn links_router(state: LinksState) -> Router {
    crate::served_route::group(vec![
        crate::served_route::handler!(self::show),
        crate::served_route::handler!(self::act),
    ])
    .layer(DefaultBodyLimit::max(MAX_LINK_BODY_BYTES))
    .with_state(state)
}

/// The link routes with their description (see [`crate::openapi`]).
pub(crate) fn links_routes() -> utoipa_axum::router::OpenApiRouter<LinksState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(show, act))
}

/// The actions a link can carry (the path segment; anything else is an invalid link).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // only its schema: the segment is part of what is signed, checked as such
pub enum LinkActionName {
    Cancel,
    Reschedule,
    Confirm,
    Unsubscribe,
}

/// A link's path: `/links/{tenant}/{id}/{action}` (described here; the handlers read the
/// segments as strings, all three part of what is signed).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // only its description
pub struct LinkPath {
    /// The business the link was signed for.
    #[param(example = "salon-lea")]
    tenant: String,
    /// The appointment (cancel, reschedule, confirm) or the client (unsubscribe).
    #[param(example = "ap_5b7d0e")]
    id: String,
    /// What the link does.
    action: LinkActionName,
}

/// A link's signature, from its query string.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Signed {
    /// The expiry, unix seconds, as signed.
    #[param(example = "1775000000")]
    exp: Option<String>,
    /// HMAC-SHA256 of the link, lower-case hex.
    #[param(example = "9f2c4e0b")]
    sig: Option<String>,
}

/// A link whose signature and expiry held.
struct Verified {
    tenant: TenantId,
    id: String,
    action: LinkAction,
}

fn page(status: StatusCode, page: Page) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(page.html),
    )
        .into_response()
}

fn problem(status: StatusCode, locale: Locale, what: LinkProblem) -> Response {
    page(status, problem_page(locale.templates(), what))
}

/// The language of a page before anything is known about who asks: the browser's.
fn browser_locale(headers: &HeaderMap) -> Locale {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if accept.trim_start().to_ascii_lowercase().starts_with("fr") {
        Locale::FR
    } else {
        Locale::EN
    }
}

fn verify(
    state: &LinksState,
    (tenant, id, action): (String, String, String),
    signed: &Signed,
    now: DateTime<Utc>,
    locale: Locale,
) -> Result<Verified, Box<Response>> {
    let not_valid = || {
        Box::new(problem(
            StatusCode::NOT_FOUND,
            locale,
            LinkProblem::NotValid,
        ))
    };
    let tenant = TenantId::parse(&tenant).map_err(|_| not_valid())?;
    let action = LinkAction::parse(&action).ok_or_else(not_valid)?;
    let exp: i64 = signed
        .exp
        .as_deref()
        .and_then(|e| e.parse().ok().filter(|n: &i64| n.to_string() == e))
        .ok_or_else(not_valid)?;
    let sig = signed.sig.as_deref().ok_or_else(not_valid)?;
    match state.links.verify(&tenant, &id, action, exp, sig, now) {
        Ok(()) => Ok(Verified { tenant, id, action }),
        Err(LinkError::BadSignature) => Err(not_valid()),
        Err(LinkError::Expired) => Err(Box::new(problem(
            StatusCode::GONE,
            locale,
            LinkProblem::Expired,
        ))),
    }
}

#[utoipa::path(
    get, path = "/links/{tenant}/{id}/{action}", tag = "links", operation_id = "showLink",
    summary = "The page a client's link opens (public: the signature is the authority; never changes anything)",
    security(()),
    params(LinkPath, Signed),
    responses(
        (status = 200, description = "Cancel: the appointment and a button; unsubscribe: a button; reschedule without a booking page: whom to contact.", content_type = "text/html", body = String),
        (status = 303, description = "Reschedule: to the business's booking page, with a signed token (Location)."),
        (status = 400, description = "The query string does not parse.", content_type = "text/plain", body = String),
        (status = 404, description = "Not a valid link (malformed, tampered with, or naming nothing): the same page whatever the reason.", content_type = "text/html", body = String),
        (status = 409, description = "Too late: the appointment is cancelled, has begun or is over.", content_type = "text/html", body = String),
        (status = 410, description = "The link has expired.", content_type = "text/html", body = String),
        (status = 503, description = "A passing outage; try again.")
    )
)]
async fn show(
    State(state): State<LinksState>,
    Path(path): Path<(String, String, String)>,
    Query(signed): Query<Signed>,
    headers: HeaderMap,
) -> Response {
    let now = state.services.clock.now();
    let locale = browser_locale(&headers);
    let link = match verify(&state, path, &signed, now, locale) {
        Ok(link) => link,
        Err(response) => return *response,
    };
    match link.action {
        LinkAction::Cancel => {
            appointment_button(&state, &link, now, locale, false, Button::Cancel).await
        }
        LinkAction::Confirm => {
            appointment_button(&state, &link, now, locale, false, Button::Confirm).await
        }
        LinkAction::Reschedule => reschedule(&state, &link, now, locale).await,
        LinkAction::Unsubscribe => unsubscribe(&state, &link, locale, false).await,
    }
}

#[utoipa::path(
    post, path = "/links/{tenant}/{id}/{action}", tag = "links", operation_id = "actOnLink",
    summary = "What the page's button does: cancel, or a one-click unsubscribe (RFC 8058)",
    security(()),
    params(LinkPath, Signed),
    request_body(content = OneClickForm, description = "Unsubscribe: a form with List-Unsubscribe=One-Click (what mail clients send, URL-encoded or multipart/form-data, RFC 8058); cancel: anything.", content_type = "application/x-www-form-urlencoded", example = json!({"List-Unsubscribe": "One-Click"})),
    responses(
        (status = 200, description = "Done: the appointment is cancelled, or the client unsubscribed from marketing.", content_type = "text/html", body = String),
        (status = 400, description = "The query string does not parse, or an unsubscribe without the one-click body.", content_type = "text/plain", body = String),
        (status = 404, description = "Not a valid link: the same page whatever the reason.", content_type = "text/html", body = String),
        (status = 405, description = "A reschedule link is only followed (GET)."),
        (status = 409, description = "Too late: the appointment is cancelled, has begun or is over.", content_type = "text/html", body = String),
        (status = 410, description = "The link has expired.", content_type = "text/html", body = String),
        (status = 413, description = "A body over 1 KiB.", content_type = "text/plain", body = String),
        (status = 503, description = "A passing outage; try again.")
    )
)]
async fn act(
    State(state): State<LinksState>,
    Path(path): Path<(String, String, String)>,
    Query(signed): Query<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let now = state.services.clock.now();
    let locale = browser_locale(&headers);
    let link = match verify(&state, path, &signed, now, locale) {
        Ok(link) => link,
        Err(response) => return *response,
    };
    // Read only once the link holds: a link that does not is answered 404 whatever it carries.
    let Ok(body) = axum::body::to_bytes(body, MAX_LINK_BODY_BYTES).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a link's form is at most {MAX_LINK_BODY_BYTES} bytes"),
        )
            .into_response();
    };
    match link.action {
        LinkAction::Cancel => {
            appointment_button(&state, &link, now, locale, true, Button::Cancel).await
        }
        LinkAction::Confirm => {
            appointment_button(&state, &link, now, locale, true, Button::Confirm).await
        }
        LinkAction::Unsubscribe => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if !is_one_click(content_type, body).await {
                return (
                    StatusCode::BAD_REQUEST,
                    format!("a one-click unsubscribe request is a form with {ONE_CLICK_BODY}"),
                )
                    .into_response();
            }
            unsubscribe(&state, &link, locale, true).await
        }
        LinkAction::Reschedule => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// The appointment a link names, in the client's language with what its page shows.
struct Seen {
    appointment: Appointment,
    locale: Locale,
    summary: AppointmentSummary,
    /// The business's, read with the appointment: an action's write states its retention.
    settings: BusinessSettings,
}

async fn seen(state: &LinksState, link: &Verified, fallback: Locale) -> Result<Seen, Response> {
    let records = &state.services.records;
    let unavailable = || StatusCode::SERVICE_UNAVAILABLE.into_response();
    let not_valid = || problem(StatusCode::NOT_FOUND, fallback, LinkProblem::NotValid);
    let id = AppointmentId::parse(&link.id).map_err(|_| not_valid())?;
    let appointment = records
        .appointment(&link.tenant, &id)
        .await
        .map_err(|_| unavailable())?
        .ok_or_else(not_valid)?;
    let client = records
        .client(&link.tenant, &appointment.client_id)
        .await
        .map_err(|_| unavailable())?;
    let settings = records
        .settings(&link.tenant)
        .await
        .map_err(|_| unavailable())?;
    let type_name = records
        .appointment_type(&link.tenant, &appointment.type_id)
        .await
        .map_err(|_| unavailable())?
        .map_or_else(|| appointment.type_id.to_string(), |t| t.name.to_string());
    let staff_name = records
        .staff(&link.tenant, &appointment.staff_id)
        .await
        .map_err(|_| unavailable())?
        .map_or_else(|| appointment.staff_id.to_string(), |s| s.name.to_string());
    let (locale, zone) = match &client {
        Some(c) => (c.locale.or(settings.input.default_locale), c.time_zone),
        None => (settings.input.default_locale, appointment.time_zone),
    };
    Ok(Seen {
        summary: AppointmentSummary {
            business_name: settings.input.business_name.to_string(),
            type_name,
            staff_name,
            date: format_date(appointment.start, zone, locale),
            time: format_time(appointment.start, zone, locale),
            time_zone: zone.name().to_owned(),
        },
        appointment,
        locale,
        settings,
    })
}

/// Why a cancel or reschedule link cannot act on the appointment as it is now.
fn closed(appointment: &Appointment, now: DateTime<Utc>) -> Option<LinkProblem> {
    match appointment.status {
        AppointmentStatus::Cancelled => Some(LinkProblem::AlreadyCancelled),
        _ if appointment.start <= now => Some(LinkProblem::AlreadyStarted),
        status if !status.is_active() => Some(LinkProblem::NoLongerOpen),
        _ => None,
    }
}

/// What a link's button does to its appointment.
#[derive(Debug, Clone, Copy)]
enum Button {
    Cancel,
    /// The client confirms they will come (a reminder that asked).
    Confirm,
}

impl Button {
    /// The page a followed link shows: the appointment and the button.
    fn asking(self, language: Language, a: &AppointmentSummary) -> Page {
        match self {
            Self::Cancel => cancel_confirm_page(language, a),
            Self::Confirm => attendance_confirm_page(language, a),
        }
    }

    /// The page once the button was pressed.
    fn done(self, language: Language, a: &AppointmentSummary) -> Page {
        match self {
            Self::Cancel => cancelled_page(language, a),
            Self::Confirm => attendance_confirmed_page(language, a),
        }
    }
}

/// A cancel or confirm link: following it shows the appointment and a button; only the
/// button (a POST) acts — through the same commands as a reply by SMS (a cancel tells
/// everyone it concerns; confirming twice is one confirmation).
async fn appointment_button(
    state: &LinksState,
    link: &Verified,
    now: DateTime<Utc>,
    fallback: Locale,
    pressed: bool,
    button: Button,
) -> Response {
    let seen = match seen(state, link, fallback).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    if let Some(why) = closed(&seen.appointment, now) {
        return problem(StatusCode::CONFLICT, seen.locale, why);
    }
    let language = seen.locale.templates();
    if !pressed {
        return page(StatusCode::OK, button.asking(language, &seen.summary));
    }
    let services = &state.services;
    let records = services.records.as_ref();
    let acted = match button {
        Button::Cancel => {
            cancel_by_client(
                records,
                services.history.as_ref(),
                now,
                (&seen.appointment, &seen.settings),
                ClientAnswer::Link,
            )
            .await
        }
        Button::Confirm => {
            let acted = (&seen.appointment, &seen.settings);
            confirm_by_client(records, now, acted, ConfirmationChannel::Link).await
        }
    };
    match acted {
        Ok(_) => page(StatusCode::OK, button.done(language, &seen.summary)),
        Err(
            CommandError::Store(StoreError::Conflict { .. })
            | CommandError::Appointment(
                AppointmentError::InvalidTransition { .. } | AppointmentError::AlreadyBegun,
            ),
        ) => problem(
            StatusCode::CONFLICT,
            seen.locale,
            LinkProblem::ChangedMeanwhile,
        ),
        Err(error) => crate::error::ApiError::from(error).into_response(),
    }
}

async fn reschedule(
    state: &LinksState,
    link: &Verified,
    now: DateTime<Utc>,
    fallback: Locale,
) -> Response {
    let seen = match seen(state, link, fallback).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    if let Some(why) = closed(&seen.appointment, now) {
        return problem(StatusCode::CONFLICT, seen.locale, why);
    }
    let settings = match state.services.records.settings(&link.tenant).await {
        Ok(settings) => settings,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    match settings.input.reschedule_url {
        Some(url) => {
            let a = &seen.appointment;
            let token = state.links.reschedule_token(
                &link.tenant,
                &a.id,
                a.end + rappel_core::render::LINK_MARGIN_AFTER_END,
            );
            let location = url.fill(a.id.as_str(), &token);
            (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, location),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                    (header::REFERRER_POLICY, "no-referrer".to_owned()),
                ],
            )
                .into_response()
        }
        None => page(
            StatusCode::OK,
            reschedule_contact_page(seen.locale.templates(), &seen.summary),
        ),
    }
}

async fn unsubscribe(
    state: &LinksState,
    link: &Verified,
    fallback: Locale,
    confirmed: bool,
) -> Response {
    let records = &state.services.records;
    let not_valid = || problem(StatusCode::NOT_FOUND, fallback, LinkProblem::NotValid);
    let Ok(id) = ClientId::parse(&link.id) else {
        return not_valid();
    };
    let (client, settings) = match (
        records.client(&link.tenant, &id).await,
        records.settings(&link.tenant).await,
    ) {
        (Ok(Some(client)), Ok(settings)) => (client, settings),
        (Ok(None), _) => return not_valid(),
        // The store is failing. A page view can be asked again by the person; a one-click
        // request will not be: it is queued, and taken when the store is back.
        _ if confirmed => return unsubscribe_later(state, link, &id, fallback).await,
        _ => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let business = settings.input.business_name.to_string();
    let language = client.locale.or(settings.input.default_locale).templates();
    if !confirmed {
        return page(
            StatusCode::OK,
            unsubscribe_confirm_page(language, &business),
        );
    }
    if withdraw_marketing(&state.services, &client, Withdrawal::OneClick)
        .await
        .is_err()
    {
        // The store is down (a concurrent change is retried by the command): queued.
        return unsubscribe_later(state, link, &id, fallback).await;
    }
    page(StatusCode::OK, unsubscribed_page(language, &business))
}

/// A one-click unsubscribe recorded durably while the store fails: put on the send queue (the
/// send function withdraws the consent when it takes it) and answered as done — a mail
/// provider does not press again. Only if the queue fails too is the answer 503.
async fn unsubscribe_later(
    state: &LinksState,
    link: &Verified,
    client: &ClientId,
    fallback: Locale,
) -> Response {
    let request = SendRequest::Unsubscribe(Unsubscribe {
        tenant: link.tenant.clone(),
        client: client.clone(),
    });
    match state.services.send_queue.enqueue(&[request]).await {
        Ok(()) => {
            tracing::warn!(tenant = %link.tenant, "the store is failing: a one-click unsubscribe is queued");
            page(
                StatusCode::OK,
                unsubscribed_page(fallback.templates(), link.tenant.as_str()),
            )
        }
        Err(error) => {
            tracing::error!(tenant = %link.tenant, %error, "a one-click unsubscribe could be neither recorded nor queued");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
