//! The diagnostics the probe emits, each built from its L rule (probe/rules.rs) like every
//! checker diagnostic.

use crate::check::{displayable, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// The probe's diagnostics, built from its rules.
impl Rule {
    /// A diagnostic of this rule. Messages quote server answers and driver errors: they are made
    /// safe to print like every checker message (no URL password, no control character).
    pub(crate) fn diagnostic(
        &'static self,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: self.code.to_string(),
            name: self.name.to_string(),
            severity,
            path: path.into(),
            message: displayable(&message.into()),
            help: displayable(&help.into()),
            location: None,
        }
    }

    /// A diagnostic with the rule's own severity.
    pub(crate) fn report(
        &'static self,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.diagnostic(self.severity, path, message, help)
    }
}

#[cfg(test)]
mod tests {
    use crate::probe::rules::AUTH_FAILED;

    #[test]
    fn diagnostics_hide_url_passwords() {
        let d = AUTH_FAILED.report("mongo.url", "mongodb://rc:hunter2@db1 refused", "");
        assert!(!d.message.contains("hunter2"), "{}", d.message);
    }
}
