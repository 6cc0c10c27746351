pub mod check;
pub mod init;
pub mod plan;
pub mod render;
pub mod rules;
pub mod schema;
