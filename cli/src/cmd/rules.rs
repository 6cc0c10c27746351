use crate::output::{self, Format};
use anstream::println;
use rocketchat_topology::check::rules;
use rocketchat_topology::probe;
use rocketchat_topology::Severity;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The checker's rules, then the live probe's (family L).
fn all() -> Vec<(&'static str, &'static str, Severity, &'static str)> {
    let checker = rules()
        .into_iter()
        .map(|r| (r.code, r.name, r.severity, r.summary));
    let live = probe::rules()
        .iter()
        .map(|r| (r.code, r.name, r.severity, r.summary));
    checker.chain(live).collect()
}

pub fn run(args: Args) -> u8 {
    match args.format {
        Format::Json => {
            let list: Vec<_> = all()
                .into_iter()
                .map(|(code, name, severity, summary)| {
                    serde_json::json!({
                        "code": code, "name": name,
                        "severity": severity.as_str(), "summary": summary,
                    })
                })
                .collect();
            output::print_json(&serde_json::Value::Array(list));
        }
        Format::Text => {
            for (code, name, severity, summary) in all() {
                println!("{code} {:<8} {name:<36} {summary}", severity.as_str());
            }
        }
    }
    0
}
