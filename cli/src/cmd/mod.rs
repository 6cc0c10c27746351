pub mod check;
pub mod init;
pub mod render;
pub mod rules;
pub mod schema;
