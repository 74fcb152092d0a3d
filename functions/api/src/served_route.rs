//! A route served without its description: the path and methods a handler's
//! `#[utoipa::path]` declares, read from what that attribute generates (`utoipa::Path`'s
//! `path()` and `methods()`), never its `operation()` — so the description's code is not
//! linked where only this is used (see [`crate::route_table`]).

use axum::Router;
use axum::routing::MethodRouter;
use std::collections::BTreeSet;

/// One handler at its declared path, on each of its declared methods.
macro_rules! handler {
    ($module:ident :: $handler:ident) => {
        utoipa_axum::paste! {{
            #[allow(unused_imports)]
            use utoipa::Path as _;
            use utoipa_axum::PathItemExt as _;
            let methods = $module::[<__path_ $handler>]::methods().iter().fold(
                axum::routing::MethodRouter::new(),
                |router, method| router.on(method.to_method_filter(), $module::$handler),
            );
            ($module::[<__path_ $handler>]::path(), methods)
        }}
    };
}
pub(crate) use handler;

/// The handlers of one group (one path, a handler per method) in one router, as
/// `utoipa_axum` registers a group: all of its methods at each of its paths.
pub(crate) fn group<S>(handlers: Vec<(String, MethodRouter<S>)>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut paths = BTreeSet::new();
    let mut methods = MethodRouter::new();
    for (path, handler) in handlers {
        paths.insert(if path.is_empty() {
            "/".to_owned()
        } else {
            path
        });
        methods = methods.merge(handler);
    }
    paths.iter().fold(Router::new(), |router, path| {
        router.route(path, methods.clone())
    })
}
