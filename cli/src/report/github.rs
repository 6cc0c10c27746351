//! GitHub Actions workflow commands: one `::error|warning|notice file=..,line=..,col=..::` line
//! per diagnostic, which the runner turns into annotations on the file.
//! Escaping follows the runner's toolkit (`@actions/core`, command.ts): `%`, CR and LF in the
//! message; additionally `:` and `,` in properties.

use crate::cmd::check::Checked;
use crate::output::outln;
use rocketchat_topology::{Location, Severity};

pub fn print(checked: &[Checked]) {
    for c in checked {
        let file = c.source.file_name();
        match &c.outcome {
            Ok(report) => {
                for d in &report.diagnostics {
                    let message = format!("{}: {}\nhelp: {}", d.path, d.message, d.help);
                    let title = format!("{} {}", d.code, d.name);
                    outln!(
                        "{}",
                        command(d.severity, file.as_deref(), d.location, &title, &message)
                    );
                }
            }
            Err(unusable) => {
                let location = unusable.location;
                let title = "rctopo: unusable input";
                let line = command(
                    Severity::Error,
                    unusable.file.as_deref(),
                    location,
                    title,
                    &unusable.message,
                );
                outln!("{line}");
            }
        }
    }
}

/// One workflow command line.
pub fn command(
    severity: Severity,
    file: Option<&str>,
    location: Option<Location>,
    title: &str,
    message: &str,
) -> String {
    let level = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = Vec::new();
    if let Some(file) = file {
        properties.push(format!("file={}", escape_property(file)));
        if let Some(l) = location {
            properties.push(format!("line={},col={}", l.line, l.column));
        }
    }
    properties.push(format!("title={}", escape_property(title)));
    format!(
        "::{level} {}::{}",
        properties.join(","),
        escape_data(message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_message_are_escaped_as_the_runner_reads_them() {
        let line = command(
            Severity::Warning,
            Some("deploy/a,b:c.toml"),
            Some(Location { line: 3, column: 7 }),
            "T001 x",
            "50% done\nnext",
        );
        assert_eq!(
            line,
            "::warning file=deploy/a%2Cb%3Ac.toml,line=3,col=7,title=T001 x::50%25 done%0Anext"
        );
    }

    #[test]
    fn without_a_file_there_is_no_line_either() {
        let line = command(
            Severity::Info,
            None,
            Some(Location { line: 1, column: 1 }),
            "t",
            "m",
        );
        assert_eq!(line, "::notice title=t::m");
    }
}
