//! The API's route table: every authenticated route, each registered with its description
//! (`#[utoipa::path]` on its handler), so a route cannot be served without being described.

use crate::extract::MAX_IMPORT_BODY_BYTES;
use crate::openapi::ApiDoc;
use crate::routes::*;
use axum::extract::DefaultBodyLimit;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every authenticated route with its description, in one router.
pub fn api_routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(settings::reschedule_keys))
        .routes(routes!(settings::get, settings::put))
        .routes(routes!(catalog::get_type, catalog::put_type))
        .routes(routes!(catalog::get_staff, catalog::put_staff))
        .routes(routes!(agenda::staff_day))
        .routes(routes!(digests::staff))
        .routes(routes!(digests::manager))
        .routes(routes!(clients::create, clients::list))
        .routes(routes!(
            clients::get,
            clients::put,
            clients::patch,
            erasure::delete
        ))
        .routes(routes!(erasure::get))
        .routes(routes!(export::get))
        .routes(routes!(clients::communications))
        .routes(routes!(clients::notifications))
        .routes(routes!(invoices::list))
        .routes(routes!(invoices::get, invoices::put))
        .routes(routes!(invoices::planned))
        .routes(routes!(invoices::act))
        .routes(routes!(quotes::list))
        .routes(routes!(quotes::get, quotes::put))
        .routes(routes!(quotes::planned))
        .routes(routes!(quotes::act))
        .routes(routes!(inbound::receive))
        .routes(routes!(inbound::get))
        .routes(routes!(waitlist::create))
        .routes(routes!(waitlist::get, waitlist::delete))
        .routes(routes!(waitlist::of_client))
        .routes(routes!(appointments::create, appointments::list))
        .routes(routes!(
            appointments::get,
            appointments::put,
            appointments::patch
        ))
        .routes(routes!(appointments::notifications))
        .routes(routes!(appointments::act))
        .routes(routes!(templates::get, templates::put))
        .routes(routes!(templates::preview))
        .routes(routes!(usage::get))
        .routes(routes!(events::list))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::rotate))
        .routes(routes!(webhooks::enable))
        .routes(routes!(
            sending_identity::put,
            sending_identity::get,
            sending_identity::delete
        ))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(imports::create))
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BODY_BYTES)),
        )
}
