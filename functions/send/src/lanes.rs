//! The send function's two lanes on Lambda: one function, one event source mapping per lane's
//! queue, each lane at its own pace (its share of the providers' rates). A batch's lane is the
//! queue it came from.

use crate::MAX_PACING_INTERVAL;
use rappel_core::message::Lane;
use rappel_ports::delivery::{ProviderPace, SendPace, Unpaced};
use std::sync::Arc;
use std::time::Duration;

/// A pace under which a full batch cannot end inside the send function's timeout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {lane} lane: one copy would send every {interval:?} (concurrency / rate per second); at most {MAX_PACING_INTERVAL:?} lets a full batch end inside the send function's timeout"
)]
pub struct PaceTooSlow {
    pub lane: Lane,
    pub interval: Duration,
}

/// A lane's pace: `rate` messages per second per provider shared by `concurrency` copies,
/// refused when one copy would wait longer than [`MAX_PACING_INTERVAL`] between two sends (a
/// full batch would then not fit in the function's timeout).
pub fn checked_pace(lane: Lane, rate: f64, concurrency: u32) -> Result<SendPace, PaceTooSlow> {
    let pace = SendPace::new(rate, concurrency);
    if pace.interval() > MAX_PACING_INTERVAL {
        return Err(PaceTooSlow {
            lane,
            interval: pace.interval(),
        });
    }
    Ok(pace)
}

/// Each lane's pace, and how a batch's queue names its lane.
#[derive(Clone)]
pub struct LanePaces {
    urgent: Arc<dyn ProviderPace>,
    bulk: Arc<dyn ProviderPace>,
    /// The bulk queue's ARN: a batch from it is the bulk lane's, any other the urgent lane's.
    bulk_source: Option<String>,
}

impl LanePaces {
    pub fn new(
        urgent: Arc<dyn ProviderPace>,
        bulk: Arc<dyn ProviderPace>,
        bulk_source: impl Into<String>,
    ) -> Self {
        Self {
            urgent,
            bulk,
            bulk_source: Some(bulk_source.into()),
        }
    }

    /// No pacing in either lane (tests).
    pub fn unlimited() -> Self {
        Self {
            urgent: Arc::new(Unpaced),
            bulk: Arc::new(Unpaced),
            bulk_source: None,
        }
    }

    /// The lane of a batch that came from the queue `source` (its `eventSourceARN`).
    pub fn lane_of(&self, source: Option<&str>) -> Lane {
        match (&self.bulk_source, source) {
            (Some(bulk), Some(source)) if bulk == source => Lane::Bulk,
            _ => Lane::Urgent,
        }
    }

    pub fn pace(&self, lane: Lane) -> Arc<dyn ProviderPace> {
        match lane {
            Lane::Urgent => self.urgent.clone(),
            Lane::Bulk => self.bulk.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pace_slower_than_two_seconds_a_copy_is_refused() {
        assert!(checked_pace(Lane::Urgent, 10.0, 20).is_ok());
        assert!(checked_pace(Lane::Bulk, 1.0, 2).is_ok());
        let error = checked_pace(Lane::Bulk, 1.0, 4).unwrap_err();
        assert_eq!(error.interval, Duration::from_secs(4));
        assert!(error.to_string().contains("bulk lane"), "{error}");
    }

    #[test]
    fn a_batch_from_the_bulk_queue_is_the_bulk_lanes_and_any_other_the_urgent_lanes() {
        let paces = LanePaces::new(Arc::new(Unpaced), Arc::new(Unpaced), "arn:bulk");
        assert_eq!(paces.lane_of(Some("arn:bulk")), Lane::Bulk);
        assert_eq!(paces.lane_of(Some("arn:urgent")), Lane::Urgent);
        assert_eq!(paces.lane_of(None), Lane::Urgent);
    }
}
