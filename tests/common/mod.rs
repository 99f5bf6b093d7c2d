//! Helpers shared by the integration tests.

pub mod chia;
pub mod trec;
