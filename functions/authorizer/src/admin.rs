//! The operator's commands over integrators' keys, as `rappel-keys` takes them. The text they
//! print is the whole interface: a new key is printed once and never again.

use chrono::{DateTime, Utc};
use rappel_app::access::{self, KeyAdminError};
use rappel_core::access::{ApiKeyId, IntegratorId};
use rappel_core::model::TenantId;
use rappel_ports::credentials::CredentialAdmin;
use std::fmt::Write;

pub const USAGE: &str = "\
usage: rappel-keys [--table DELIVERIES_TABLE] COMMAND
  (the table defaults to $RAPPEL_DELIVERIES_TABLE; AWS credentials and region from the environment)

  issue INTEGRATOR LABEL          a new key, printed once (at most 5 live keys per integrator)
  revoke INTEGRATOR KEY_ID        refuse the key from now on (within the authorizer's 5-minute cache)
  keys INTEGRATOR                 the integrator's keys: id, label, created, revoked
  grant INTEGRATOR BUSINESS...    let the integrator act for these businesses
  withdraw INTEGRATOR BUSINESS... stop it acting for them
  grants INTEGRATOR [AFTER]       the businesses it may act for, 1,000 a page, after AFTER
  suspend BUSINESS REASON...      the kill switch: nothing of the business is sent (recorded
                                  suppressed: business_suspended) until resumed; needs
                                  $RAPPEL_RECORDS_TABLE (its settings record holds it)
  resume BUSINESS                 lift the suspension

Rotation: issue a second key, move the integrator to it, then revoke the first.";

/// A suspension command (`suspend BUSINESS REASON...` or `resume BUSINESS`): the business and
/// the reason (`None`: resume). `None` for any other command.
pub fn suspension_command(
    command: &[String],
) -> Option<Result<(TenantId, Option<String>), AdminError>> {
    let verb = command.first().map(String::as_str)?;
    if verb != "suspend" && verb != "resume" {
        return None;
    }
    Some((|| {
        let raw = command
            .get(1)
            .ok_or_else(|| AdminError::Usage("a business id is needed".into()))?;
        let business =
            TenantId::parse(raw).map_err(|e| AdminError::Usage(format!("{raw}: {e}")))?;
        if verb == "resume" {
            return Ok((business, None));
        }
        let reason = command[2..].join(" ");
        if reason.trim().is_empty() {
            return Err(AdminError::Usage("suspend needs a reason".into()));
        }
        Ok((business, Some(reason)))
    })())
}

/// Businesses listed per page by `grants`.
pub const GRANTS_PAGE: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    #[error(transparent)]
    Refused(#[from] KeyAdminError),
}

/// The table (from `--table`, else `default`) and the command's words.
pub fn table_and_command(
    args: &[String],
    default: Option<String>,
) -> Option<(String, Vec<String>)> {
    match args {
        [flag, table, rest @ ..] if flag == "--table" => Some((table.clone(), rest.to_vec())),
        [first, ..] if first == "--help" || first == "-h" => None,
        rest => default.map(|table| (table, rest.to_vec())),
    }
}

fn integrator(raw: Option<&String>) -> Result<IntegratorId, AdminError> {
    let raw = raw.ok_or_else(|| AdminError::Usage("an integrator id is needed".into()))?;
    IntegratorId::parse(raw).map_err(|e| AdminError::Usage(format!("{raw}: {e}")))
}

fn businesses(raw: &[String]) -> Result<Vec<TenantId>, AdminError> {
    if raw.is_empty() {
        return Err(AdminError::Usage(
            "at least one business id is needed".into(),
        ));
    }
    raw.iter()
        .map(|b| TenantId::parse(b).map_err(|e| AdminError::Usage(format!("{b}: {e}"))))
        .collect()
}

/// Runs one command; what it prints.
pub async fn run(
    command: &[String],
    store: &dyn CredentialAdmin,
    now: DateTime<Utc>,
) -> Result<String, AdminError> {
    let mut out = String::new();
    let verb = command.first().map(String::as_str);
    let args = command.get(1..).unwrap_or_default();
    match verb {
        Some("issue") => {
            let who = integrator(args.first())?;
            let label = args.get(1..).unwrap_or_default().join(" ");
            if label.is_empty() {
                return Err(AdminError::Usage(
                    "a label is needed (e.g. \"production 2026-12\")".into(),
                ));
            }
            let (key, stored) = access::issue_key(store, &who, &label, now).await?;
            let _ = writeln!(out, "key id: {}", stored.id);
            let _ = writeln!(out, "key:    {}", key.reveal());
            let _ = writeln!(out, "(shown once: only its digest is stored)");
        }
        Some("revoke") => {
            let who = integrator(args.first())?;
            let raw = args
                .get(1)
                .ok_or_else(|| AdminError::Usage("a key id is needed".into()))?;
            let id = ApiKeyId::parse(raw).map_err(|e| AdminError::Usage(format!("{raw}: {e}")))?;
            access::revoke_key(store, &who, &id, now).await?;
            let _ = writeln!(out, "revoked {id} of {who}");
        }
        Some("keys") => {
            let who = integrator(args.first())?;
            let keys = store.keys(&who).await.map_err(KeyAdminError::from)?;
            for key in keys {
                let revoked = key.revoked_at.map_or("live".to_owned(), |at| {
                    format!("revoked {}", at.to_rfc3339())
                });
                let _ = writeln!(
                    out,
                    "{}  {}  created {}  {revoked}",
                    key.id,
                    key.label,
                    key.created_at.to_rfc3339()
                );
            }
        }
        Some("grant") => {
            let who = integrator(args.first())?;
            for business in businesses(args.get(1..).unwrap_or_default())? {
                access::grant(store, &who, &business, now).await?;
                let _ = writeln!(out, "granted {business} to {who}");
            }
        }
        Some("withdraw") => {
            let who = integrator(args.first())?;
            for business in businesses(args.get(1..).unwrap_or_default())? {
                let done = if access::withdraw(store, &who, &business).await? {
                    "withdrawn"
                } else {
                    "was not granted"
                };
                let _ = writeln!(out, "{business}: {done}");
            }
        }
        Some("grants") => {
            let who = integrator(args.first())?;
            let after = match args.get(1) {
                Some(raw) => Some(
                    TenantId::parse(raw).map_err(|e| AdminError::Usage(format!("{raw}: {e}")))?,
                ),
                None => None,
            };
            let page = store
                .grants(&who, after.as_ref(), GRANTS_PAGE)
                .await
                .map_err(KeyAdminError::from)?;
            for business in &page {
                let _ = writeln!(out, "{business}");
            }
            if let (Some(last), true) = (page.last(), page.len() == GRANTS_PAGE) {
                let _ = writeln!(out, "(more: rappel-keys grants {who} {last})");
            }
        }
        Some(other) => return Err(AdminError::Usage(format!("unknown command {other}"))),
        None => return Err(AdminError::Usage("a command is needed".into())),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn suspend_takes_a_business_and_a_reason_and_resume_a_business() {
        let (business, reason) = suspension_command(&words("suspend salon-lea SMS pumping"))
            .expect("a suspension command")
            .expect("well formed");
        assert_eq!(business.as_str(), "salon-lea");
        assert_eq!(reason.as_deref(), Some("SMS pumping"));
        let (_, reason) = suspension_command(&words("resume salon-lea"))
            .expect("a suspension command")
            .expect("well formed");
        assert_eq!(reason, None);
        assert!(suspension_command(&words("suspend salon-lea")).is_some_and(|r| r.is_err()));
        assert!(suspension_command(&words("suspend")).is_some_and(|r| r.is_err()));
        assert!(suspension_command(&words("keys acme")).is_none());
    }
}
