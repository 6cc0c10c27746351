pub mod check;
pub mod init;
pub mod mongo_url;
pub mod rules;
pub mod schema;
