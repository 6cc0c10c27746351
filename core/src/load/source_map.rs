//! Where each field of a topology file sits, so diagnostics can say file:line:column.

use crate::diagnostic::Location;
use std::collections::{BTreeSet, HashMap};

/// Field path (`hosts[1].cores`) -> position of its value in the file.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// The file the topology was read from, if any.
    pub file: Option<String>,
    /// Looked up by exact path only, so hashed: paths share long prefixes (`hosts[1234].`).
    pub locations: HashMap<String, Location>,
}

impl SourceMap {
    /// The position of `path`, or of its nearest parent that has one
    /// (`hosts[1].address` falls back to `hosts[1]` when the field is absent).
    pub fn locate(&self, path: &str) -> Option<Location> {
        let mut p = path;
        loop {
            if let Some(loc) = self.locations.get(p) {
                return Some(*loc);
            }
            p = parent_path(p)?;
        }
    }

    pub(crate) fn insert(&mut self, path: String, location: Location) {
        self.locations.entry(path).or_insert(location);
    }
}

fn parent_path(path: &str) -> Option<&str> {
    let cut = path.rfind(['.', '['])?;
    Some(&path[..cut])
}

/// Joins a path and a map key the way field paths are written everywhere (`a.b`, `a[0]`).
pub(crate) fn child_key(parent: &str, key: &str) -> String {
    let mut path = String::with_capacity(parent.len() + key.len() + 1);
    path.push_str(parent);
    push_key(&mut path, key);
    path
}

pub(crate) fn child_index(parent: &str, index: usize) -> String {
    let mut path = String::with_capacity(parent.len() + 6);
    path.push_str(parent);
    push_index(&mut path, index);
    path
}

/// Extends `path` to its child `key`, in place ([`child_key`] without a new string: a file's
/// every value has a path, and `format!` for each was a fifth of loading).
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Extends `path` to its item `index`, in place.
pub(crate) fn push_index(path: &mut String, index: usize) {
    path.push('[');
    crate::decimal::push_decimal(path, index as u64);
    path.push(']');
}

/// Byte offset -> 1-based line and column (columns count characters).
pub(crate) fn location_of(text: &str, offset: usize) -> Location {
    Locator::new(text).locate(offset)
}

/// Locates many offsets of one text: lines by binary search over their starts, columns counted
/// on from the previous offset when it is earlier on the same line. A file's values are located
/// in reading order, so the whole file costs one pass, even on one long line (minified JSON).
pub(crate) struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// The last offset located, its line (0-based) and column.
    last: (usize, usize, usize),
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let newlines = text.match_indices('\n').map(|(i, _)| i + 1);
        Locator {
            text,
            line_starts: std::iter::once(0).chain(newlines).collect(),
            last: (0, 0, 1),
        }
    }

    pub(crate) fn locate(&mut self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let (last_offset, last_line, last_column) = self.last;
        let (from, column) = if line == last_line && last_offset <= offset {
            (last_offset, last_column)
        } else {
            (self.line_starts[line], 1)
        };
        let column = column + self.text[from..offset].chars().count();
        self.last = (offset, line, column);
        Location {
            line: line + 1,
            column,
        }
    }
}

/// Where a topology came from. Not part of its value: two topologies that say the same thing are
/// equal wherever they were read from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Where its fields sit in the text it was read from.
    pub source: SourceMap,
    /// Paths of string values that were written with `${NAME}` references.
    pub from_env: BTreeSet<String>,
    /// Each variable expanded, with its value (see [`Provenance::conceal`]).
    pub env_values: Vec<(String, crate::secret::Secret)>,
}

/// Expanded values shorter than this are not searched for in messages: they would match
/// everywhere (`1`, `rc`), and hold no secret worth the name.
const SHORTEST_CONCEALED: usize = 4;

impl Provenance {
    /// `text` with every value read from the environment shown as the `${NAME}` it came from, so
    /// a message never quotes an expanded value.
    pub fn conceal(&self, text: &str) -> String {
        let mut out = text.to_string();
        let mut values: Vec<_> = self
            .env_values
            .iter()
            .filter(|(_, v)| v.expose().chars().count() >= SHORTEST_CONCEALED)
            .collect();
        // Longest first, so a value that contains another is replaced whole.
        values.sort_by_key(|(_, v)| std::cmp::Reverse(v.expose().len()));
        for (name, value) in values {
            let reference = format!("${{{name}}}");
            // As written, and as a message shows it (control characters escaped).
            let escaped = crate::text::escape_controls(value.expose());
            for shown in [value.expose(), &escaped] {
                if out.contains(shown) {
                    out = out.replace(shown, &reference);
                }
            }
        }
        out
    }
}

impl PartialEq for Provenance {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
