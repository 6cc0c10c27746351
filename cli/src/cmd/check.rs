use crate::input::{self, InputFormat, Source, Unusable};
use crate::output;
use crate::report;
use rocketchat_topology::{check, Layout, Report};
use std::path::PathBuf;

/// How `check` prints what it found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// For people: coloured on a terminal.
    Text,
    /// One report object; an array of them (each with its `file`) when several files are given.
    Json,
    /// GitHub Actions workflow commands (`::error file=..,line=..::`), shown as annotations.
    Github,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
}

#[derive(clap::Args)]
pub struct Args {
    /// Topology files (.toml, .yaml, .yml, .json); `-` reads standard input (give
    /// --input-format). Omit to check the built-in example.
    files: Vec<PathBuf>,
    /// The format of the topology on standard input (`-`).
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
}

/// One source and what checking it gave.
pub struct Checked {
    pub source: Source,
    /// The name text output shows (the built-in example has one too).
    pub shown: Option<String>,
    pub outcome: Result<Report, Unusable>,
}

/// Exit 0: no errors; 1: errors found; 2: unusable input. With several files, the worst.
pub fn run(args: Args) -> u8 {
    let sources = match sources(&args) {
        Ok(s) => s,
        Err(message) => {
            output::error(&message);
            return crate::EXIT_UNUSABLE;
        }
    };
    let checked: Vec<Checked> = sources.into_iter().map(check_one).collect();
    match args.format {
        CheckFormat::Text => print_text(&checked),
        CheckFormat::Json => print_json(&checked),
        CheckFormat::Github => report::github::print(&checked),
        CheckFormat::Sarif => report::sarif::print(&checked),
    }
    checked.iter().map(exit_status).max().unwrap_or(0)
}

fn sources(args: &Args) -> Result<Vec<Source>, String> {
    if args.files.is_empty() {
        return Ok(vec![Source::Example]);
    }
    let mut sources = Vec::with_capacity(args.files.len());
    for file in &args.files {
        if file.as_os_str() != "-" {
            sources.push(Source::File(file.clone()));
            continue;
        }
        let format = args.input_format.ok_or(
            "reading standard input (`-`) needs --input-format toml, yaml or json".to_string(),
        )?;
        if sources.iter().any(|s| matches!(s, Source::Stdin(_))) {
            return Err("`-` (standard input) can be given only once".to_string());
        }
        sources.push(Source::Stdin(format.into()));
    }
    Ok(sources)
}

fn check_one(source: Source) -> Checked {
    match input::read(&source) {
        Ok(topology) => Checked {
            shown: topology.provenance.source.file.clone(),
            outcome: Ok(check(&Layout::resolve(&topology))),
            source,
        },
        Err(unusable) => Checked {
            shown: source.file_name(),
            outcome: Err(unusable),
            source,
        },
    }
}

fn exit_status(c: &Checked) -> u8 {
    match &c.outcome {
        Ok(report) => u8::from(report.has_errors()),
        Err(_) => crate::EXIT_UNUSABLE,
    }
}

fn print_text(checked: &[Checked]) {
    let several = checked.len() > 1;
    for c in checked {
        match &c.outcome {
            Ok(report) => {
                let name = if several { c.shown.as_deref() } else { None };
                output::print_report_text(report, c.shown.as_deref(), name);
            }
            Err(unusable) => output::error(&unusable.message),
        }
    }
}

fn print_json(checked: &[Checked]) {
    if let [single] = checked {
        match &single.outcome {
            Ok(report) => output::print_json(&report.to_json()),
            Err(unusable) => output::error(&unusable.message),
        }
        return;
    }
    let all: Vec<serde_json::Value> = checked
        .iter()
        .map(|c| {
            let mut value = match &c.outcome {
                Ok(report) => report.to_json(),
                Err(unusable) => serde_json::json!({ "error": unusable.message }),
            };
            value["file"] = serde_json::json!(c.shown);
            value
        })
        .collect();
    output::print_json(&serde_json::Value::Array(all));
}
