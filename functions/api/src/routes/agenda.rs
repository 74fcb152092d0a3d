//! `GET /v1/staff/{id}/appointments?date=YYYY-MM-DD`: one staff member's appointments on one
//! day of the business's calendar (midnight to midnight in its time zone, DST included).

use crate::error::ApiError;
use crate::extract::{Tenant, path_id};
use crate::routes::ApiState;
use crate::routes::appointments::AppointmentView;
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use chrono_tz::Tz;
use rappel_core::model::{StaffId, TimeZone};
use rappel_ports::records::TypedRecords;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct AgendaQuery {
    date: Option<String>,
}

#[derive(Serialize)]
pub struct Agenda {
    date: NaiveDate,
    time_zone: TimeZone,
    appointments: Vec<AppointmentView>,
}

/// The first instant of `date` in `zone` (a day whose midnight is skipped starts at 01:00).
fn start_of(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (0..=2)
        .find_map(|h| {
            zone.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

pub async fn staff_day(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    Query(query): Query<AgendaQuery>,
) -> Result<Json<Agenda>, ApiError> {
    let id: StaffId = path_id(&id, "staff member")?;
    let raw = query.date.ok_or_else(|| {
        ApiError::unprocessable("missing_date", "date is required, as YYYY-MM-DD")
    })?;
    let date = NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| {
        ApiError::unprocessable("invalid_date", "date must be a calendar day, as YYYY-MM-DD")
    })?;
    let records = &state.services.records;
    if records.staff(&tenant, &id).await?.is_none() {
        return Err(ApiError::not_found("staff member"));
    }
    let time_zone = records.settings(&tenant).await?.input.time_zone;
    let next_day = date.succ_opt().ok_or_else(|| {
        ApiError::unprocessable("invalid_date", "date is out of the supported range")
    })?;
    let (from, until) = (
        start_of(date, time_zone.tz()),
        start_of(next_day, time_zone.tz()),
    );
    let appointments = records
        .appointments_of_staff(&tenant, &id, from, Some(until))
        .await?;
    Ok(Json(Agenda {
        date,
        time_zone,
        appointments: appointments.iter().map(AppointmentView::from).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paris_day_starts_at_its_local_midnight_on_both_sides_of_dst() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let winter = NaiveDate::from_ymd_opt(2026, 3, 28).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 3, 30).unwrap();
        assert_eq!(
            start_of(winter, paris).to_rfc3339(),
            "2026-03-27T23:00:00+00:00"
        );
        assert_eq!(
            start_of(summer, paris).to_rfc3339(),
            "2026-03-29T22:00:00+00:00"
        );
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_at_the_first_valid_hour() {
        // Santiago skipped 00:00–01:00 on 6 September 2026 (clocks forward at midnight).
        let santiago: Tz = "America/Santiago".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            start_of(day, santiago).to_rfc3339(),
            "2026-09-06T04:00:00+00:00"
        );
    }

    #[test]
    fn a_tokyo_day_starts_the_evening_before_in_utc() {
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 27).unwrap();
        assert_eq!(
            start_of(day, tokyo).to_rfc3339(),
            "2026-03-26T15:00:00+00:00"
        );
    }
}
