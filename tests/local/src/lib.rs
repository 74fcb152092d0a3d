//! # rappel-local-tests — the local stack end to end
//!
//! The tests are one binary, `tests/local/main.rs` (one module per area: life cycle, billing,
//! links, isolation, the contract run…), built without the AWS SDK or the Lambda runtime. This
//! library is the soak ([`soak`]): the durable local stack under faults, restarts and a
//! doubled, reordered feed, judged by an independent oracle; `src/bin/soak.rs` runs it. And
//! the fairness run ([`fairness`]): one business's burst against another's reminders at a
//! simulated provider rate; `src/bin/fairness.rs` runs it at full size.

pub mod fairness;
pub mod soak;
