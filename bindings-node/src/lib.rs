//! Node.js bindings for `rocketchat-topology`, built with napi-rs.
//!
//! Conversion only: every decision is made by the core crate. Results are plain JavaScript
//! objects whose shapes are declared here with `#[napi(object)]` so the generated `index.d.ts`
//! types every field. Every exported function is marked `catch_unwind`, so a Rust panic becomes a
//! JavaScript exception instead of aborting the Node process.

#![deny(clippy::all)]

mod error;
mod layout;
mod mongo_url;
mod plan;
mod probe;
mod render;
mod report;
mod text;
mod topology;

pub use error::ErrorCode;
pub use mongo_url::{check_mongo_urls, MongoUrl};
pub use plan::{plan, Plan};
pub use topology::Topology;
