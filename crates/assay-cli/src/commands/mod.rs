//! One module per subcommand.
pub mod bench_model;
pub mod check;
pub mod crossval;
pub mod drift;
pub mod evaluate;
pub mod explain;
pub mod init;
pub mod profile;
pub mod push;
pub mod sensitivity;
pub mod serve;
pub mod split;
