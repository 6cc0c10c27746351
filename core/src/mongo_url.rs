//! MONGO_URL and MONGO_OPLOG_URL: the connection-string parser (crate
//! `rocketchat-topology-mongo-url`, which depends on nothing of this crate), and the report
//! `rctopo mongo-url` prints, which adds Rocket.Chat's M rules to the parser's verdict.
//!
//! ```
//! use rocketchat_topology::mongo_url::MongoUrl;
//! let url = MongoUrl::parse("mongodb://rc:s3cret@db1,db2:27018/rocketchat?replicaSet=rs0").unwrap();
//! assert_eq!(url.replica_set(), Some("rs0"));
//! ```

pub use crate::check::mongo_report::{
    check_urls, CheckedUrl, UrlAuth, UrlError, UrlParts, UrlReport,
};
pub use rocketchat_topology_mongo_url::*;
