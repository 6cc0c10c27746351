use crate::input;
use crate::output::{self, outln, Format};
use rocketchat_topology::probe::{probe, ProbeOptions, ProbeReport};
use rocketchat_topology::Layout;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Topology file (.toml, .yaml, .json). Omit to probe the built-in example's replica set.
    file: Option<PathBuf>,
    /// Seconds each phase may take (members answer concurrently; then the oplog is read).
    #[arg(long, default_value_t = 5.0, value_parser = parse_timeout)]
    timeout: f64,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err(format!(
            "`{text}` is not a timeout: give seconds between 0 and 3600, e.g. 5 or 0.5"
        )),
    }
}

/// Exit 0: no errors; 1: errors found; 2: unusable input, or no member answered.
pub fn run(args: Args) -> u8 {
    let topology = match input::load(args.file.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let options = ProbeOptions {
        timeout: Duration::from_secs_f64(args.timeout),
    };
    let result = match probe(&Layout::resolve(&topology), &options) {
        Ok(r) => r,
        Err(e) => {
            output::error(&e.to_string());
            return crate::EXIT_UNUSABLE;
        }
    };
    match args.format {
        Format::Json => output::print_json(&result.to_json()),
        Format::Text => {
            print_members(&result);
            let file = topology.provenance.source.file.clone();
            output::print_report_text(&result.report, file.as_deref(), None);
        }
    }
    if result.nothing_reachable() {
        crate::EXIT_UNUSABLE
    } else {
        u8::from(result.report.has_errors())
    }
}

/// One line per member asked: `db1:27017  PRIMARY  7.0.14`.
fn print_members(result: &ProbeReport) {
    for m in &result.members {
        let state = match (&m.state, m.reachable) {
            (Some(s), _) => s.as_str(),
            (None, true) => "answered",
            (None, false) => "no answer",
        };
        outln!(
            "{:<24} {:<10} {}",
            m.host,
            state,
            m.version.as_deref().unwrap_or("")
        );
    }
    if !result.members.is_empty() {
        outln!();
    }
}
