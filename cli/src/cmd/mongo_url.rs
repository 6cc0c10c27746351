//! `rctopo mongo-url`: is this MONGO_URL (and MONGO_OPLOG_URL) one Rocket.Chat's driver accepts,
//! and is it right for a multi-instance deployment? The verdict and rules come from core.
use crate::output::{self, outln, Format};
use anstyle::{AnsiColor, Style};
use rocketchat_topology::mongo_url::{check_urls, UrlParts, UrlReport};
use rocketchat_topology::text::escape_controls as shown;
use rocketchat_topology::{Severity, Version};

#[derive(clap::Args)]
pub struct Args {
    /// The MONGO_URL to check (quote it: it contains `&` and `?`).
    url: String,
    /// The MONGO_OPLOG_URL to check with it.
    #[arg(long)]
    oplog: Option<String>,
    /// Rocket.Chat version, for the rules that depend on it (oplog legacy or required).
    #[arg(long = "rocketchat-version", value_name = "V")]
    rocketchat_version: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Exit 0: valid and no error diagnostics; 1: otherwise; 2: unusable arguments.
pub fn run(args: Args) -> u8 {
    let version = match args
        .rocketchat_version
        .as_deref()
        .map(str::parse::<Version>)
    {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            output::error(&format!("--rocketchat-version: {e}"));
            return crate::EXIT_UNUSABLE;
        }
    };
    let report = check_urls(&args.url, args.oplog.as_deref(), version);
    match args.format {
        Format::Json => output::print_json(&report.to_json()),
        Format::Text => print_text(&report),
    }
    u8::from(!report.passed())
}

const BOLD: Style = Style::new().bold();

fn verdict_line(name: &str, valid: bool) {
    let (color, word) = if valid {
        (AnsiColor::Green, "accepted by Rocket.Chat's MongoDB driver")
    } else {
        (AnsiColor::Red, "rejected by Rocket.Chat's MongoDB driver")
    };
    let style = Style::new().bold().fg_color(Some(color.into()));
    outln!("{BOLD}{name}{BOLD:#}: {style}{word}{style:#}");
}

/// The parsed parts. They are percent-decoded (`%0a` is a newline), so each is printed with its
/// control characters escaped.
fn print_parts(parts: &UrlParts) {
    let hosts: Vec<String> = parts
        .hosts
        .iter()
        .map(|h| format!("{} ({})", shown(&h.address()), h.kind.as_str()))
        .collect();
    if let Some(scheme) = parts.scheme {
        outln!("  scheme:   {scheme}");
    }
    outln!("  hosts:    {}", hosts.join(", "));
    outln!(
        "  database: {}",
        shown(parts.database.as_deref().unwrap_or("(none)"))
    );
    if let Some(auth) = &parts.auth {
        outln!(
            "  auth:     user `{}` against `{}`{}",
            shown(&auth.username),
            shown(&auth.db),
            auth.mechanism
                .as_deref()
                .map(|m| format!(" with {}", shown(m)))
                .unwrap_or_default()
        );
    }
    for (name, value) in &parts.options {
        let value_text = value
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string());
        outln!("  option:   {} = {}", shown(name), shown(&value_text));
    }
    for w in &parts.warnings {
        outln!("  warning:  {}", shown(w));
    }
}

fn print_text(report: &UrlReport) {
    let url_error = report.errors.iter().find(|e| e.url == "MONGO_URL");
    verdict_line("MONGO_URL", url_error.is_none());
    if url_error.is_none() {
        print_parts(&report.parts);
    }
    if let Some(oplog) = &report.oplog {
        verdict_line("MONGO_OPLOG_URL", oplog.valid);
    }
    outln!();
    // Driver errors are M001 diagnostics, with their help lines.
    for d in &report.diagnostics {
        output::print_diagnostic(d, None);
        outln!();
    }
    let count = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    outln!(
        "{} error(s), {} warning(s)",
        count(Severity::Error),
        count(Severity::Warning)
    );
}
