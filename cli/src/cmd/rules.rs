use crate::output::{self, out, outln};
use rocketchat_topology::check::{rules, rules_markdown};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    /// docs/rules.md.
    Markdown,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> u8 {
    match args.format {
        Format::Json => {
            let list: Vec<_> = rules()
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name,
                        "severity": r.severity.as_str(), "summary": r.summary,
                        "why": r.why, "example": r.example,
                    })
                })
                .collect();
            output::print_json(&serde_json::Value::Array(list));
        }
        Format::Markdown => out!("{}", rules_markdown()),
        Format::Text => {
            for r in rules() {
                outln!(
                    "{} {:<8} {:<36} {}",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                );
            }
        }
    }
    0
}
