use crate::output::{self, out};
use rocketchat_topology::starter::{starter_topology, StarterOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Number of application hosts.
    #[arg(long, default_value_t = 1)]
    hosts: u32,
    /// CPU cores per host (instances = cores - 1).
    #[arg(long, default_value_t = 4)]
    cores: u32,
    /// Write to this file instead of standard output (refuses to overwrite).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let text = match starter_topology(&StarterOptions {
        hosts: args.hosts,
        cores: args.cores,
    }) {
        Ok(t) => t,
        Err(e) => {
            output::error(&e);
            return crate::EXIT_UNUSABLE;
        }
    };
    match args.output {
        None => {
            out!("{text}");
            0
        }
        Some(path) => {
            let written = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .and_then(|mut f| f.write_all(text.as_bytes()));
            match written {
                Ok(()) => 0,
                Err(e) => {
                    output::error(&format!("{}: {e}", path.display()));
                    crate::EXIT_UNUSABLE
                }
            }
        }
    }
}
