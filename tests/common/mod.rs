//! Helpers shared by the integration tests. Each test binary uses some of
//! them only.

#[allow(dead_code)]
pub mod chia;
#[allow(dead_code)]
pub mod trec;
