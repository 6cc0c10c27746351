//! Loading the topology a command works on: a file, standard input, or the built-in example.

use rocketchat_topology::load::MAX_FILE_BYTES;
use rocketchat_topology::{example, Format, Location, Topology};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name diagnostics show for a topology read from standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// The topology at `file`, or the built-in example. On failure, prints the error and returns
/// `Err(exit code 2)`.
pub fn load(file: Option<&Path>) -> Result<Topology, u8> {
    match file {
        None => Ok(example::topology()),
        Some(path) => Topology::load(path).map_err(|e| {
            crate::output::error(&e.to_string());
            crate::EXIT_UNUSABLE
        }),
    }
}

/// The format of a topology on standard input, which has no file extension to tell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Toml,
    Yaml,
    Json,
}

impl From<InputFormat> for Format {
    fn from(f: InputFormat) -> Format {
        match f {
            InputFormat::Toml => Format::Toml,
            InputFormat::Yaml => Format::Yaml,
            InputFormat::Json => Format::Json,
        }
    }
}

/// Where one topology comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Example,
    Stdin(Format),
    File(PathBuf),
}

impl Source {
    /// The name diagnostics and annotations give this source; `None` for the built-in example,
    /// which is no file a CI system could point at.
    pub fn file_name(&self) -> Option<String> {
        match self {
            Source::Example => None,
            Source::Stdin(_) => Some(STDIN_NAME.to_string()),
            Source::File(path) => Some(path.display().to_string()),
        }
    }
}

/// Why a source could not be used: its message (naming the file) and, for syntax and field
/// errors, where in the file.
#[derive(Clone, Debug)]
pub struct Unusable {
    pub file: Option<String>,
    pub location: Option<Location>,
    pub message: String,
}

impl Unusable {
    fn from_load(e: &rocketchat_topology::LoadError) -> Unusable {
        Unusable {
            file: e.file().map(str::to_string),
            location: e.location(),
            message: e.to_string(),
        }
    }
}

/// Reads one topology.
pub fn read(source: &Source) -> Result<Topology, Unusable> {
    match source {
        Source::Example => Ok(example::topology()),
        Source::File(path) => Topology::load(path).map_err(|e| Unusable::from_load(&e)),
        Source::Stdin(format) => {
            let text = read_stdin()?;
            Topology::parse_named(&text, *format, STDIN_NAME).map_err(|e| Unusable::from_load(&e))
        }
    }
}

/// Standard input as text, refused past the size a topology file may have.
fn read_stdin() -> Result<String, Unusable> {
    let unusable = |message: String| Unusable {
        file: Some(STDIN_NAME.to_string()),
        location: None,
        message: format!("{STDIN_NAME}: {message}"),
    };
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unusable(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(unusable(
            "more than 4 MiB is too large for a topology (at most 4 MiB)".to_string(),
        ));
    }
    String::from_utf8(bytes).map_err(|_| unusable("not UTF-8 text".to_string()))
}
