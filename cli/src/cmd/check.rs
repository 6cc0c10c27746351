use crate::input;
use crate::output::{self, Format};
use rocketchat_topology::{check, Layout};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Topology file (.toml, .yaml, .json). Omit to check the built-in example.
    file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Exit 0: no errors; 1: errors found; 2: unusable input.
pub fn run(args: Args) -> u8 {
    let topology = match input::load(args.file.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let report = check(&Layout::resolve(&topology));
    match args.format {
        Format::Json => output::print_json(&report.to_json()),
        Format::Text => {
            let file = topology.provenance.source.file.clone();
            output::print_report_text(&report, file.as_deref());
        }
    }
    u8::from(report.has_errors())
}
