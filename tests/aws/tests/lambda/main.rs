//! The Lambda handlers called as Lambda calls them (real event fixtures, in-memory adapters), and
//! the SAM template checked against the code, one binary.

mod feedback_handler;
mod lambda_handlers;
mod lambda_metrics;
mod template_hardening;
mod template_sync;
