//! One module per subcommand.
pub mod check;
pub mod drift;
pub mod evaluate;
pub mod explain;
pub mod init;
pub mod profile;
