//! Printing: diagnostics as text (coloured on a terminal, plain when piped) or JSON.
//!
//! Everything goes through [`out!`], [`outln!`] and [`errln!`], never `println!`, which panics
//! when the reader has gone (`rctopo plan --out DIR | head -1`). Here a closed pipe only stops
//! the printing: the command still does its work (every file written) and keeps its exit code.
//! A test (cli/tests/safe_output.rs) keeps the panicking macros out of cli/src.

use anstyle::{AnsiColor, Style};
use rocketchat_topology::{Diagnostic, Report, Severity};
use std::fmt;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output cannot be written; later output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Set when standard output failed for another reason than a closed pipe (a full disk).
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Prints to standard output (colour stripped when it is not a terminal).
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!($($arg)*)) };
}
/// [`out!`] with a newline.
macro_rules! outln {
    () => { $crate::output::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}
/// Prints a line to standard error.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::output::write_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use {out, outln};

pub fn write_stdout(args: fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = anstream::stdout().write_fmt(args) {
        stdout_failed(&e);
    }
}

/// Writes a large output (a plan of thousands of waves) to standard output as `write` makes it,
/// instead of building it whole first; a closed pipe stops it as it stops [`out!`].
///
/// Straight to standard output, not through anstream: these outputs carry no colour and no
/// escape sequence (the plan's text escapes every control character; its JSON escapes ESC and
/// the other C0 controls, as JSON must), and anstream's stripping reads every byte looking for
/// them, a fifth of `rctopo plan --format json` at 15,000 instances. Both write through the same
/// standard output, so the order with [`out!`] holds.
pub fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = write(&mut out).and_then(|()| out.flush()) {
        stdout_failed(&e);
    }
}

fn stdout_failed(e: &std::io::Error) {
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
    if e.kind() != ErrorKind::BrokenPipe {
        STDOUT_FAILED.store(true, Ordering::Relaxed);
        write_stderr(format_args!(
            "error: cannot write to standard output: {e}\n"
        ));
    }
}

pub fn write_stderr(args: fmt::Arguments<'_>) {
    if STDERR_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if anstream::stderr().write_fmt(args).is_err() {
        STDERR_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// The exit code once output is flushed: `code`, or 2 when standard output failed (other than by
/// a reader that left, which is how `| head` ends a pipeline).
pub fn exit_code(code: u8) -> u8 {
    if anstream::stdout()
        .flush()
        .is_err_and(|e| e.kind() != ErrorKind::BrokenPipe)
    {
        STDOUT_FAILED.store(true, Ordering::Relaxed);
    }
    if STDOUT_FAILED.load(Ordering::Relaxed) && code == 0 {
        crate::EXIT_UNUSABLE
    } else {
        code
    }
}

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

/// An error that stops a command (exit 2). Its control characters are escaped: a value it quotes
/// cannot forge a line or move the terminal's cursor.
pub fn error(message: &str) {
    let style = severity_style(Severity::Error);
    let message = rocketchat_topology::text::escape_controls(message);
    errln!("{style}error{style:#}: {message}");
}

/// One diagnostic in the text format:
/// ```text
/// error[T005] duplicate-port: port 3000 is listed twice on host `app1`
///   --> topology.toml:31:19 (hosts[0].ports[2])
///   = help: give every instance on a host its own port
/// ```
pub fn print_diagnostic(d: &Diagnostic, file: Option<&str>) {
    // Core escapes what rules quote; the path (an `env` key) and the file name are escaped here.
    let shown = rocketchat_topology::text::escape_controls;
    let d = &Diagnostic {
        path: shown(&d.path).into_owned(),
        message: shown(&d.message).into_owned(),
        help: shown(&d.help).into_owned(),
        ..d.clone()
    };
    let file = file.map(shown);
    let file = file.as_deref();
    let style = severity_style(d.severity);
    outln!(
        "{style}{}[{}]{style:#} {BOLD}{}{BOLD:#}: {}",
        d.severity,
        d.code,
        d.name,
        d.message
    );
    let place = match (file, d.location) {
        (Some(f), Some(l)) => format!("{f}:{}:{} ({})", l.line, l.column, d.path),
        (Some(f), None) => format!("{f} ({})", d.path),
        (None, _) => d.path.clone(),
    };
    outln!("  {DIM}-->{DIM:#} {place}");
    if !d.help.is_empty() {
        outln!("  {DIM}= help:{DIM:#} {}", d.help);
    }
}

/// A report's diagnostics, then its counts; `name` starts the counts line when several files
/// were checked in one run.
pub fn print_report_text(report: &Report, file: Option<&str>, name: Option<&str>) {
    for d in &report.diagnostics {
        print_diagnostic(d, file);
        outln!();
    }
    let infos = report.count(Severity::Info);
    let prefix = name.map(|n| format!("{n}: ")).unwrap_or_default();
    outln!(
        "{prefix}{} error(s), {} warning(s), {infos} note(s)",
        report.errors(),
        report.warnings()
    );
}

pub fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => outln!("{s}"),
        Err(e) => error(&format!("cannot print JSON: {e}")),
    }
}
