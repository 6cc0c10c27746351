use super::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::layout::Layout;
use crate::model::Topology;
use crate::version::Version;

/// What every rule reads: the layout, its topology and the parsed versions.
pub struct Context<'a> {
    /// The layout being checked.
    pub layout: &'a Layout,
    /// Its topology (`layout.topology`).
    pub topology: &'a Topology,
    /// `None` when `rocketchat.version` is not a version (reported by its own rule).
    pub rocketchat_version: Option<Version>,
    /// `None` when `mongo.version` is not a version (reported by its own rule).
    pub mongo_version: Option<Version>,
}

impl<'a> Context<'a> {
    /// The context of `layout`, with its versions parsed.
    pub fn new(layout: &'a Layout) -> Self {
        Context {
            layout,
            topology: &layout.topology,
            rocketchat_version: layout.rocketchat_version(),
            mongo_version: layout.mongo_version(),
        }
    }

    /// Total number of resolved instances.
    pub fn instance_count(&self) -> usize {
        self.layout.instances.len()
    }

    /// Whether the Rocket.Chat version is at least `major.minor` (false when unknown).
    pub fn rocketchat_at_least(&self, major: u32, minor: u32) -> bool {
        self.rocketchat_version
            .is_some_and(|v| v >= Version::new(major, minor, 0))
    }
}

/// Collects one rule's diagnostics, stamping them with its code and name.
pub struct Emit<'a> {
    rule: &'static Rule,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Emit<'a> {
    /// Collects the diagnostics of `rule` into `out`.
    pub fn new(rule: &'static Rule, out: &'a mut Vec<Diagnostic>) -> Self {
        Emit { rule, out }
    }

    /// Emits a diagnostic of `severity` at field `path`, with what is wrong and how to fix it.
    pub fn emit(
        &mut self,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.out.push(Diagnostic {
            code: self.rule.code.to_string(),
            name: self.rule.name.to_string(),
            severity,
            path: path.into(),
            message: displayable(&message.into()),
            help: displayable(&help.into()),
            location: None,
        });
    }

    /// Emits with the rule's own severity.
    pub fn report(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.emit(self.rule.severity, path, message, help);
    }
}

/// Diagnostics quote values from the topology file. Whatever a rule quotes, the text shown never
/// holds a control character (a newline could forge a line of output) nor the password of a
/// URL's userinfo (`scheme://***@host`).
pub(crate) fn displayable(text: &str) -> String {
    let redacted = crate::secret::redact_url_passwords(text);
    crate::text::escape_controls(&redacted).into_owned()
}

#[cfg(test)]
mod tests {
    use super::displayable;

    #[test]
    fn quoted_values_are_made_safe_to_print() {
        assert_eq!(displayable("a\nb"), r"a\nb");
        assert_eq!(displayable("name `a\nerror[X] b`"), r"name `a\nerror[X] b`");
        assert_eq!(
            displayable("TRANSPORTER `nats://u:pw@nats:4222`"),
            "TRANSPORTER `nats://***@nats:4222`"
        );
    }
}
