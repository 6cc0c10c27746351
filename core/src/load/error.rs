use super::source_map::SourceMap;
use crate::diagnostic::Location;

/// Why a topology could not be read. Every variant names the file (when there is one), the place
/// and the field, and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("{file}: cannot read: {message}")]
    Io {
        /// The file, as given.
        file: String,
        /// The operating system's reason.
        message: String,
    },
    /// The file is larger than a topology can be (4 MiB).
    #[error("{file}: {bytes} bytes is too large for a topology file (at most 4 MiB)")]
    TooLarge {
        /// The file, as given.
        file: String,
        /// Its size.
        bytes: u64,
    },
    /// The extension names no format.
    #[error("{file}: unknown file type: use a .toml, .yaml, .yml or .json extension")]
    UnknownExtension {
        /// The file, as given.
        file: String,
    },
    /// A format name that is not toml, yaml or json.
    #[error("unknown format `{format}`: expected toml, yaml or json")]
    UnknownFormat {
        /// The name given.
        format: String,
    },
    /// The text holds nothing.
    #[error("{}: the topology is empty: start from `rctopo init`", display_file(.file))]
    Empty {
        /// The file, when the text came from one.
        file: Option<String>,
    },
    /// The text is not valid TOML, YAML or JSON.
    #[error("{}: {format} syntax error: {message}", place(.file, .location))]
    Syntax {
        /// The file, when the text came from one.
        file: Option<String>,
        /// `TOML`, `YAML` or `JSON`.
        format: &'static str,
        /// Where the parser stopped.
        location: Option<Location>,
        /// The parser's reason.
        message: String,
    },
    /// A field with a value the model does not accept (wrong type, unknown field, missing field).
    #[error("{}: {path}: {message}", place(.file, .location))]
    Field {
        /// The file, when the text came from one.
        file: Option<String>,
        /// The field path (`hosts[0].ports[2]`).
        path: String,
        /// The field's place in the text.
        location: Option<Location>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A field of a settings value a binding passed (a policy, a command set) that does not fit.
    #[error("{path}: {message}")]
    Setting {
        /// The field path, under the settings' name (`policy.max_unavailable`).
        path: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A `${NAME}` reference to an environment variable that is not set.
    #[error("{}: {path}: environment variable `{name}` is not set: export it, or write the value itself", place(.file, .location))]
    UnsetEnv {
        /// The file, when the text came from one.
        file: Option<String>,
        /// The field path holding the reference.
        path: String,
        /// The field's place in the text.
        location: Option<Location>,
        /// The variable's name.
        name: String,
    },
    /// A `${...}` reference that is not a valid variable name, or a value that may not hold one.
    #[error("{}: {path}: {message}", place(.file, .location))]
    BadReference {
        /// The file, when the text came from one.
        file: Option<String>,
        /// The field path holding the reference.
        path: String,
        /// The field's place in the text.
        location: Option<Location>,
        /// What is wrong and how to fix it.
        message: String,
    },
}

fn display_file(file: &Option<String>) -> &str {
    file.as_deref().unwrap_or("<topology>")
}

fn place(file: &Option<String>, location: &Option<Location>) -> String {
    match location {
        Some(l) => format!("{}:{}:{}", display_file(file), l.line, l.column),
        None => display_file(file).to_string(),
    }
}

impl LoadError {
    /// The field path the error concerns, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            LoadError::Field { path, .. }
            | LoadError::Setting { path, .. }
            | LoadError::UnsetEnv { path, .. }
            | LoadError::BadReference { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The file the error concerns, if it came from one.
    pub fn file(&self) -> Option<&str> {
        match self {
            LoadError::Io { file, .. }
            | LoadError::UnknownExtension { file }
            | LoadError::TooLarge { file, .. } => Some(file),
            LoadError::Empty { file }
            | LoadError::Syntax { file, .. }
            | LoadError::Field { file, .. }
            | LoadError::UnsetEnv { file, .. }
            | LoadError::BadReference { file, .. } => file.as_deref(),
            LoadError::UnknownFormat { .. } | LoadError::Setting { .. } => None,
        }
    }

    /// Where in the text the error is, when known.
    pub fn location(&self) -> Option<Location> {
        match self {
            LoadError::Syntax { location, .. }
            | LoadError::Field { location, .. }
            | LoadError::UnsetEnv { location, .. }
            | LoadError::BadReference { location, .. } => *location,
            _ => None,
        }
    }

    pub(crate) fn in_file(mut self, name: Option<String>) -> Self {
        match &mut self {
            LoadError::Syntax { file, .. }
            | LoadError::Field { file, .. }
            | LoadError::UnsetEnv { file, .. }
            | LoadError::BadReference { file, .. }
            | LoadError::Empty { file } => *file = name,
            _ => {}
        }
        self
    }

    /// A field error of a settings value, its path under `root`.
    pub(crate) fn under(self, root: &str) -> Self {
        match self {
            LoadError::Field { path, message, .. } => LoadError::Setting {
                path: match path.as_str() {
                    "" | "." => root.to_string(),
                    p if p.starts_with('[') => format!("{root}{p}"),
                    p => format!("{root}.{p}"),
                },
                message,
            },
            other => other,
        }
    }

    /// Fills in file and line:column from the source map.
    pub(crate) fn located(mut self, map: &SourceMap) -> Self {
        match &mut self {
            LoadError::Field { path, location, .. }
            | LoadError::UnsetEnv { path, location, .. }
            | LoadError::BadReference { path, location, .. } => {
                *location = map.locate(path);
            }
            _ => {}
        }
        self.in_file(map.file.clone())
    }

    /// A topology over one of the resource bounds of [`crate::limits`].
    pub(crate) fn over_limit(over: crate::limits::Exceeded) -> Self {
        LoadError::Field {
            file: None,
            path: over.path,
            location: None,
            message: over.message,
        }
    }

    pub(crate) fn from_field_error(
        e: serde_path_to_error::Error<serde_json::Error>,
        map: &SourceMap,
        from_env: &std::collections::BTreeSet<String>,
    ) -> Self {
        let path = e.path().to_string();
        let mut message =
            crate::secret::redact_url_passwords(&improve_message(&e.inner().to_string()));
        if may_hold_secret(&path) || from_env.contains(&path) {
            message = without_quoted_value(&message);
        }
        // serde reports a missing field at its parent; name the field itself.
        let path = match missing_field(&message) {
            Some(field) if path == "." || path.is_empty() => field.to_string(),
            Some(field) => format!("{path}.{field}"),
            None => path,
        };
        LoadError::Field {
            file: None,
            path,
            location: None,
            message,
        }
        .located(map)
    }
}

/// Values of the secret fields may be secrets, and values read from the environment may be
/// anything: their errors never quote them.
fn may_hold_secret(path: &str) -> bool {
    path.contains(".env.") || super::is_secret_field(path)
}

/// serde's `invalid type: string "value", expected ...` without the value.
fn without_quoted_value(message: &str) -> String {
    match (message.find(": "), message.find(", expected")) {
        (Some(start), Some(end)) if start < end => {
            let kind = message[start + 2..end]
                .split([' ', '`', '"'])
                .next()
                .unwrap_or("");
            format!(
                "{}: {kind} (value not shown: it may be a secret){}",
                &message[..start],
                &message[end..]
            )
        }
        _ => message.to_string(),
    }
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// Adds a "did you mean" to serde's unknown-field and unknown-variant messages, and says what to
/// do about a missing field.
fn improve_message(message: &str) -> String {
    if let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    {
        let unknown = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|list| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        if let Some(best) = closest(unknown, &expected) {
            return format!("{message}; did you mean `{best}`?");
        }
        return message.to_string();
    }
    if missing_field(message).is_some() {
        return format!("{message}: add it (see `rctopo schema`)");
    }
    message.to_string()
}

/// The candidate closest to `word`, if close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
