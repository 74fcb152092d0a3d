//! The tenant's security schemes: a business's JWT, or an integrator's API key with the business named.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

/// On AWS the tenant is a claim of the caller's JWT, or the business an integrator's key acts
/// for; the local stack takes it from a header, or from an integrator's key too.
pub(super) fn add_security(api: &mut utoipa::openapi::OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "jwt",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "On AWS: a JWT from the business's identity provider; its tenant claim names the business.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "tenant_header",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Tenant-Id",
            "The local stack only: the business's id (1 to 64 letters, digits, '-' or '_').",
        ))),
    );
    components.add_security_scheme(
        "integrator_key",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("rk_<integrator>_<key id>_<secret>")
                .description(Some(
                    "An integrator's API key (the integrators' API on AWS; the local stack too), with the business it acts for in X-Rappel-Business. 401 for an unknown, revoked or mistyped key or a missing business, 403 for a business not granted to the integrator.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "business_header",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Rappel-Business",
            "With an integrator's key: the business (tenant id) this request acts for.",
        ))),
    );
    let requirement = |names: &[&str]| {
        utoipa::openapi::security::SecurityRequirement::new(names[0], Vec::<String>::new()).add(
            names.get(1).copied().unwrap_or(names[0]),
            Vec::<String>::new(),
        )
    };
    api.security = Some(vec![
        requirement(&["jwt"]),
        requirement(&["integrator_key", "business_header"]),
        requirement(&["tenant_header"]),
    ]);
}
