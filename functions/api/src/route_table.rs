//! The API's route table: every authenticated route, each registered with its description
//! (`#[utoipa::path]` on its handler), so a route cannot be served without being described.
//!
//! The list is written once (`route_list!`) and read two ways: [`api_routes`] registers each
//! handler with its whole description, which is what the contract is generated from
//! ([`crate::openapi`]); [`served_routes`] registers the same handlers at the same paths and
//! methods — read from the same `#[utoipa::path]` — without building any description. The
//! functions serve the latter: the contract's machinery (the document's tree, every operation's
//! parameters and answers) stays out of their binaries and their first request.

use crate::extract::MAX_IMPORT_BODY_BYTES;
use crate::openapi::ApiDoc;
use crate::routes::*;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every authenticated route: one group per path, a handler per method. `$read` is given the
/// list (the routes whose bodies may be large — imports — after the `;`).
macro_rules! route_list {
    ($read:ident) => {
        $read! {
            [settings::reschedule_keys]
            [settings::get, settings::put]
            [catalog::get_type, catalog::put_type]
            [catalog::get_staff, catalog::put_staff]
            [agenda::staff_day]
            [digests::staff]
            [digests::manager]
            [clients::create, clients::list]
            [clients::get, clients::put, clients::patch, erasure::delete]
            [erasure::get]
            [export::get]
            [clients::communications]
            [clients::notifications]
            [invoices::list]
            [invoices::get, invoices::put]
            [invoices::planned]
            [invoices::act]
            [quotes::list]
            [quotes::get, quotes::put]
            [quotes::planned]
            [quotes::act]
            [inbound::receive]
            [inbound::get]
            [waitlist::create]
            [waitlist::get, waitlist::delete]
            [waitlist::of_client]
            [appointments::create, appointments::list]
            [appointments::get, appointments::put, appointments::patch]
            [appointments::notifications]
            [appointments::act]
            [templates::get, templates::put]
            [templates::preview]
            [usage::get]
            [events::list]
            [webhooks::create, webhooks::list]
            [webhooks::delete]
            [webhooks::rotate]
            [webhooks::enable]
            [sending_identity::put, sending_identity::get, sending_identity::delete]
            ;
            [imports::create]
        }
    };
}

/// The list registered with its descriptions (what the contract is generated from).
macro_rules! documented {
    (
        $([$($module:ident :: $handler:ident),+])*
        ;
        $([$($large_module:ident :: $large_handler:ident),+])*
    ) => {
        OpenApiRouter::with_openapi(ApiDoc::openapi())
            $(.routes(routes!($($module::$handler),+)))*
            .merge(
                OpenApiRouter::new()
                    $(.routes(routes!($($large_module::$large_handler),+)))*
                    .layer(DefaultBodyLimit::max(MAX_IMPORT_BODY_BYTES)),
            )
    };
}

/// The list registered as plain routes (what is served).
macro_rules! served {
    (
        $([$($module:ident :: $handler:ident),+])*
        ;
        $([$($large_module:ident :: $large_handler:ident),+])*
    ) => {
        Router::new()
            $(.merge(crate::served_route::group(vec![$(
                crate::served_route::handler!($module::$handler)
            ),+])))*
            .merge(
                Router::new()
                    $(.merge(crate::served_route::group(vec![$(
                        crate::served_route::handler!($large_module::$large_handler)
                    ),+])))*
                    .layer(DefaultBodyLimit::max(MAX_IMPORT_BODY_BYTES)),
            )
    };
}

/// Every authenticated route with its description, in one router.
pub fn api_routes() -> OpenApiRouter<ApiState> {
    route_list!(documented)
}

/// Every authenticated route as served: the same handlers, paths and methods as
/// [`api_routes`], without their descriptions.
pub fn served_routes() -> Router<ApiState> {
    route_list!(served)
}
