//! Printing: diagnostics as text (coloured on a terminal, plain when piped) or JSON.

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use rocketchat_topology::{Diagnostic, Report, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn severity_style(s: Severity) -> Style {
    let color = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().bold().fg_color(Some(color.into()))
}

/// An error that stops a command (exit 2).
pub fn error(message: &str) {
    let style = severity_style(Severity::Error);
    eprintln!("{style}error{style:#}: {message}");
}

/// One diagnostic in the text format:
/// ```text
/// error[T005] duplicate-port: port 3000 is listed twice on host `app1`
///   --> topology.toml:31:19 (hosts[0].ports[2])
///   = help: give every instance on a host its own port
/// ```
pub fn print_diagnostic(d: &Diagnostic, file: Option<&str>) {
    let style = severity_style(d.severity);
    println!(
        "{style}{}[{}]{style:#} {BOLD}{}{BOLD:#}: {}",
        d.severity, d.code, d.name, d.message
    );
    let place = match (file, d.location) {
        (Some(f), Some(l)) => format!("{f}:{}:{} ({})", l.line, l.column, d.path),
        (Some(f), None) => format!("{f} ({})", d.path),
        (None, _) => d.path.clone(),
    };
    println!("  {DIM}-->{DIM:#} {place}");
    if !d.help.is_empty() {
        println!("  {DIM}= help:{DIM:#} {}", d.help);
    }
}

pub fn print_report_text(report: &Report, file: Option<&str>) {
    for d in &report.diagnostics {
        print_diagnostic(d, file);
        println!();
    }
    let infos = report.count(Severity::Info);
    println!(
        "{} error(s), {} warning(s), {infos} note(s)",
        report.errors(),
        report.warnings()
    );
}

pub fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => error(&format!("cannot print JSON: {e}")),
    }
}
