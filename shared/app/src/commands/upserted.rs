//! What a write under the caller's own id did: what an import reports per item, and what
//! tells a `PUT`'s 201 from its 200.

/// The record as it is now, and whether this write created, changed or left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upserted<T> {
    Created(T),
    Updated(T),
    Unchanged(T),
}

impl<T> Upserted<T> {
    pub fn record(&self) -> &T {
        match self {
            Self::Created(t) | Self::Updated(t) | Self::Unchanged(t) => t,
        }
    }

    pub fn into_record(self) -> T {
        match self {
            Self::Created(t) | Self::Updated(t) | Self::Unchanged(t) => t,
        }
    }

    /// `created`, `updated` or `unchanged`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Created(_) => "created",
            Self::Updated(_) => "updated",
            Self::Unchanged(_) => "unchanged",
        }
    }
}
