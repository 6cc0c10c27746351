//! `rocketchat-topology`: model, check, render and plan multi-instance Rocket.Chat deployments.
//!
//! Data flow:
//! ```text
//! topology file --load--> Topology --resolve--> Layout --check--> Report
//!                                                  |--render--> files
//! (current Layout, desired Layout, Policy) --plan--> Plan --simulate--> Timeline
//! ```
//!
//! ```
//! use rocketchat_topology::{example, Layout};
//! let topology = example::topology();
//! let layout = Layout::resolve(&topology);
//! assert_eq!(layout.instances.len(), 3);
//! let report = rocketchat_topology::check(&layout);
//! assert_eq!(report.errors(), 0);
//! ```

#![warn(missing_docs)]

pub mod check;
pub(crate) mod decimal;
pub mod diagnostic;
pub mod example;
pub mod layout;
pub mod limits;
pub mod load;
pub mod model;
pub(crate) mod mongo_access;
pub mod mongo_url;
pub mod net;
pub mod output_dir;
pub(crate) mod paths;
pub mod plan;
pub mod probe;
pub mod render;
pub mod secret;
pub mod starter;
pub mod text;
pub mod version;

pub use check::check;
pub use diagnostic::{Diagnostic, Location, Report, Severity};
pub use layout::{Env, EnvEntry, EnvVar, HostLayout, Instance, Layout};
pub use load::{Format, LoadError, SourceMap};
pub use model::Topology;
pub use mongo_url::{check_urls, MongoUrl, MongoUrlError, UrlReport};
pub use plan::{plan, Plan, PlanError, Policy};
pub use secret::Secret;
pub use version::Version;
