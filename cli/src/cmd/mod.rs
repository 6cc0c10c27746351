pub mod check;
pub mod init;
pub mod mongo_url;
pub mod plan;
pub mod probe;
pub mod render;
pub mod rules;
pub mod schema;
