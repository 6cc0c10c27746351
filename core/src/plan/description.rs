//! What a step does, in words. A plan of thousands of instances holds hundreds of thousands of
//! steps, and most of their words only repeat what the action says (`stop <instance>`), so a
//! step keeps which words it has, not their text: the words of an action are written from the
//! action when an output prints them, and fixed words are a `&'static str`. Steps whose words
//! hold something the action lacks keep a text of their own: a drain's instances, a machine's
//! unit files, a proxy rollback's keep or leave, the staging, backup, restore and MongoDB steps.
//! Those are written once per wave, machine or release, not once per instance.

use super::action::{Action, Step};
use serde::{Serialize, Serializer};
use std::fmt;

/// Which words describe a step. [`Step::description`] writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Description {
    /// The usual words of the step's action, written from it: `stop <instance>`,
    /// `put <instance> into the proxy`, `wait until <instance> answers <url> (deadline N s)`,
    /// ... An action without usual words (one that concerns no instance) is described by its
    /// kind (`daemon_reload`).
    OfAction,
    /// Words that never change (`reload systemd so it reads the new unit files`).
    Fixed(&'static str),
    /// Words written for this step alone.
    Text(Box<str>),
}

impl From<&'static str> for Description {
    fn from(words: &'static str) -> Description {
        Description::Fixed(words)
    }
}

impl From<String> for Description {
    fn from(words: String) -> Description {
        Description::Text(words.into())
    }
}

impl Step {
    /// What the step does, in words: `Display` writes them (`step.description().to_string()`)
    /// and they serialize as a string.
    pub fn description(&self) -> Words<'_> {
        Words(self)
    }
}

/// The words of a step (see [`Step::description`]).
#[derive(Clone, Copy)]
pub struct Words<'a>(&'a Step);

impl Words<'_> {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.description {
            Description::OfAction => of_action(&self.0.action, f),
            Description::Fixed(words) => f.write_str(words),
            Description::Text(words) => f.write_str(words),
        }
    }

    /// The words as a `String`, whatever the formatter asked for.
    fn text(&self) -> String {
        struct Plain<'a>(Words<'a>);
        impl fmt::Display for Plain<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f)
            }
        }
        Plain(*self).to_string()
    }
}

/// Pads and truncates like a `String` when asked (`{:<40}`, `{:.20}`), which needs the words
/// written first; without a width or precision they go straight to the output.
impl fmt::Display for Words<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_none() && f.precision().is_none() {
            return self.write(f);
        }
        f.pad(&self.text())
    }
}

/// The words, quoted as a `String`'s `Debug` quotes them.
impl fmt::Debug for Words<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text(), f)
    }
}

/// Written straight into the output, with no text in between.
impl Serialize for Words<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The usual words of `action`.
fn of_action(action: &Action, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let (before, id, after) = match action {
        Action::WaitHealthy {
            instance,
            url,
            deadline_seconds,
            expect_version,
            ..
        } => {
            write!(f, "wait until {instance}")?;
            if let Some(version) = expect_version {
                write!(f, " reports {version} on /api/info and")?;
            }
            return write!(f, " answers {url} (deadline {deadline_seconds} s)");
        }
        Action::UseRelease {
            instance, version, ..
        } => return write!(f, "make {instance} run Rocket.Chat {version}"),
        Action::ProxyAdd { instance, .. } => ("put ", instance, " into the proxy"),
        Action::ProxyRemove { instance, .. } => ("take ", instance, " out of the proxy"),
        Action::WriteFile {
            instance: Some(id), ..
        } => ("install the environment file of ", id, ""),
        Action::RemoveFile {
            instance: Some(id), ..
        } => ("remove the environment file of ", id, ""),
        Action::EnableUnit {
            instance: Some(id), ..
        } => ("enable ", id, " at boot"),
        Action::DisableUnit {
            instance: Some(id), ..
        } => ("disable ", id, " at boot"),
        Action::StartUnit {
            instance: Some(id), ..
        } => ("start ", id, ""),
        Action::StopUnit {
            instance: Some(id), ..
        } => ("stop ", id, ""),
        _ => return f.write_str(action.kind()),
    };
    f.write_str(before)?;
    f.write_str(id)?;
    f.write_str(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(action: Action, description: Description) -> Step {
        Step {
            id: 1,
            wave: 1,
            host: "app1".into(),
            action,
            description,
        }
    }

    #[test]
    fn words_of_an_action_name_its_instance() {
        let stop = Action::StopUnit {
            unit: "rocketchat@3000.service".into(),
            instance: Some("app1:3000".into()),
        };
        let s = step(stop, Description::OfAction);
        assert_eq!(s.description().to_string(), "stop app1:3000");
        let wait = Action::WaitHealthy {
            instance: "app1:3000".into(),
            url: "http://10.0.0.5:3000/health".into(),
            deadline_seconds: 120,
            interval_seconds: 2,
            min_healthy_seconds: 10,
            expect_version: Some("7.11".into()),
        };
        assert_eq!(
            step(wait, Description::OfAction).description().to_string(),
            "wait until app1:3000 reports 7.11 on /api/info and answers \
             http://10.0.0.5:3000/health (deadline 120 s)"
        );
    }

    #[test]
    fn fixed_and_own_words_are_written_as_they_are() {
        let s = step(Action::DaemonReload, "reload systemd".into());
        assert_eq!(s.description().to_string(), "reload systemd");
        let s = step(Action::ProxyReload, format!("reload {}", "nginx").into());
        assert_eq!(s.description().to_string(), "reload nginx");
        let s = step(Action::ProxyReload, Description::OfAction);
        assert_eq!(s.description().to_string(), "proxy_reload");
    }

    #[test]
    fn words_pad_and_debug_as_a_string_would() {
        let stop = Action::StopUnit {
            unit: "rocketchat@3000.service".into(),
            instance: Some("app1:3000".into()),
        };
        let s = step(stop, Description::OfAction);
        assert_eq!(format!("[{:<16}]", s.description()), "[stop app1:3000  ]");
        assert_eq!(format!("[{:>16}]", s.description()), "[  stop app1:3000]");
        assert_eq!(format!("{:.4}", s.description()), "stop");
        assert_eq!(format!("{:?}", s.description()), r#""stop app1:3000""#);
    }

    #[test]
    fn words_serialize_as_a_string() {
        let s = step(Action::DaemonReload, "reload \"systemd\"".into());
        let json = serde_json::to_string(&s.description()).unwrap();
        assert_eq!(json, r#""reload \"systemd\"""#);
    }
}
