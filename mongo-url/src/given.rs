//! The query read into the driver's case-insensitive option map: which options the URL gives,
//! under which first spelling, with which values, before any value is checked.
//!
//! Nothing is copied: names and values borrow from the URL's parts. A known option is found by
//! its position in the driver's table, an unknown name by comparing names ignoring case; only
//! the rare non-ASCII name is lowercased into a new string, each time it is compared.

use super::error::MongoUrlError;
use super::option_set::OptionSet;
use super::options::{self, OptionKind, OPTIONS};
use super::split::Parts;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// How many names the groups hold in place: more than most URLs give. More names move them to
/// the heap.
const TYPICAL_GROUPS: usize = 8;

/// The options of the URL, by the driver's case-insensitive names. It lives only while the URL
/// is read, on the stack of the validation, which fills it in place ([`Given::collect`]).
pub(super) struct Given<'p> {
    groups: SmallVec<[Group<'p>; TYPICAL_GROUPS]>,
    /// The group giving each option of the table, by position (`NOT_GIVEN` if none).
    group_of_option: [u32; OPTIONS.len()],
    /// Options the URL gives without naming them: `dbName` (the path's database) and `auth` (the
    /// userinfo). They stand for the option, with no value, even when the query names it too.
    implied: OptionSet,
    /// The options given: those implied and those the query names.
    given: OptionSet,
    /// Whether the query names an option the driver does not know.
    any_unknown: bool,
    query: &'p [(Cow<'p, str>, Cow<'p, str>)],
}

const NOT_GIVEN: u32 = u32::MAX;

/// The spellings of one option name in the query, from the first one's place. Kept small (48
/// bytes): a group is made for every name of the query.
struct Group<'p> {
    /// The first spelling: the only one whose values the driver reads.
    first: &'p str,
    /// The first value of the first spelling, and how many values it has.
    value: &'p str,
    count: usize,
    /// The position in the driver's table of the lowercased name, or [`UNKNOWN`].
    option: u8,
    any_empty: bool,
    /// Whether the first spelling is ASCII (as every name of the table is).
    ascii: bool,
    /// An unknown name written after a secret option: possibly the tail of a password with an
    /// unencoded `&` in it, so messages describe it instead of naming it.
    after_secret: bool,
}

/// [`Group::option`] of a name the driver does not know.
const UNKNOWN: u8 = u8::MAX;
const _: () = assert!(
    OPTIONS.len() < UNKNOWN as usize,
    "the option table outgrew Group::option"
);

impl Group<'_> {
    /// The position in the driver's table of the lowercased name.
    fn option(&self) -> Option<usize> {
        (self.option != UNKNOWN).then_some(usize::from(self.option))
    }

    /// The name to compare other spellings with, ignoring ASCII case: a name that is not ASCII
    /// lowercased as JavaScript does (an ASCII name is compared as it is, with no copy).
    fn spelling(&self) -> Cow<'_, str> {
        if self.ascii {
            Cow::Borrowed(self.first)
        } else {
            Cow::Owned(js_lowercase(self.first))
        }
    }

    /// The lowercased name (`readpreferencetags`), as the driver's map keys it.
    fn lowercase(&self) -> Cow<'_, str> {
        if !self.ascii {
            Cow::Owned(js_lowercase(self.first))
        } else if self.first.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(self.first.to_ascii_lowercase())
        } else {
            Cow::Borrowed(self.first)
        }
    }

    /// Whether the driver lets the name repeat and be empty: a name containing
    /// `readpreferencetags` in any case.
    fn is_tags(&self) -> bool {
        const TAGS: &[u8] = b"readpreferencetags";
        let contains = |name: &[u8]| {
            name.len() >= TAGS.len()
                && name
                    .windows(TAGS.len())
                    .any(|w| w.eq_ignore_ascii_case(TAGS))
        };
        // Most names are ASCII and shorter than `TAGS`: no lowercasing, no search.
        if self.ascii {
            contains(self.first.as_bytes())
        } else {
            contains(js_lowercase(self.first).as_bytes())
        }
    }
}

/// Above this many names, unknown names are found through a hash map rather than a scan: a URL
/// may give thousands of names.
const SCAN_GROUPS: usize = 16;

/// How a message names an option: by name, or, for an unknown name written after a secret
/// option (which may be a piece of a password cut at an unencoded `&`), by where it stands.
pub(super) fn option_named(name: &str, after_secret: bool) -> Cow<'static, str> {
    if after_secret {
        "an option written after a password option (name not shown: it may be part of the password)"
            .into()
    } else {
        format!("URI option `{name}`").into()
    }
}

/// The fix to suggest for an option named by `option_named` as written after a secret.
pub(super) const SECRET_TAIL_HELP: &str = "percent-encode `&`, `=`, `+` and `%` in the password (%26, %3D, %2B, %25): the driver splits the query at every `&`";

/// JavaScript's `toLowerCase` of a name that is not ASCII.
fn js_lowercase(name: &str) -> String {
    name.to_lowercase()
}

impl<'p> Given<'p> {
    /// The options the URL gives without naming them; [`Given::collect`] adds the query's.
    /// Inlined so that the groups are made in the caller's frame rather than copied there.
    #[inline(always)]
    pub(super) fn new(parts: &'p Parts<'_>) -> Given<'p> {
        let mut implied = OptionSet::default();
        if parts.database.is_some() {
            implied.insert(DB_NAME);
        }
        if parts.username.is_some() {
            implied.insert(AUTH);
        }
        Given {
            groups: SmallVec::new(),
            group_of_option: [NOT_GIVEN; OPTIONS.len()],
            implied,
            given: implied,
            any_unknown: false,
            query: parts.query,
        }
    }

    /// Collects the query into the driver's case-insensitive option map, in one pass (a URL may
    /// repeat an option thousands of times), with the driver's refusals of a repeated or empty
    /// option and its warnings about names repeated in another case.
    pub(super) fn collect(&mut self, warnings: &mut Vec<String>) -> Result<(), MongoUrlError> {
        // Made only when needed: a URL with many names, or names repeated in another case.
        let mut unknown_index: Option<HashMap<Cow<'p, str>, usize>> = None;
        let mut warned: Option<HashSet<(&str, &str)>> = None;
        let mut secret_seen = false;
        let query = self.query;
        // A query with more names than the groups hold in place makes room for all at once.
        if query.len() > TYPICAL_GROUPS {
            self.groups.reserve_exact(query.len());
        }
        for (key, value) in query {
            let key: &'p str = key;
            let value: &'p str = value;
            let known = options::position(key);
            let after_secret = secret_seen && known.is_none();
            secret_seen |= known.is_some_and(|i| OPTIONS[i].secret);
            let found = match known {
                // A name found in the table as written is ASCII.
                Some(i) => self.known_group(i).ok_or((known, true)),
                None => self.group_for(key, &mut unknown_index),
            };
            let n = match found {
                Ok(n) => n,
                Err((option, ascii)) => {
                    // A new name: its group starts with this key's value.
                    self.new_group(key, value, after_secret, option, ascii);
                    continue;
                }
            };
            let group = &mut self.groups[n];
            group.after_secret |= after_secret;
            // A new group's first spelling is this very key: no need to compare the bytes.
            if std::ptr::eq(key, group.first) || key == group.first {
                if group.count == 0 {
                    group.value = value;
                }
                group.count += 1;
                group.any_empty |= value.is_empty();
            } else if after_secret {
                warnings.push(format!(
                    "{} repeats an earlier option with different case; the driver ignores it",
                    option_named(key, true)
                ));
            } else if warned
                .get_or_insert_with(HashSet::new)
                .insert((group.first, key))
            {
                let first = group.first;
                warnings.push(format!(
                    "option `{key}` repeats `{first}` with different case; the driver uses `{first}` and ignores `{key}`"
                ));
            }
        }
        self.groups.iter().try_for_each(check_group)
    }

    /// The group of the option at position `i` of the table, if the URL named it before.
    #[inline(always)]
    fn known_group(&self, i: usize) -> Option<usize> {
        let n = self.group_of_option[i] as usize;
        (n < self.groups.len()).then_some(n)
    }

    /// A new group for `key`, first seen here with `value`; `option` is its position in the
    /// table, `ascii` whether the key is ASCII.
    #[inline(always)]
    fn new_group(
        &mut self,
        key: &'p str,
        value: &'p str,
        after_secret: bool,
        option: Option<usize>,
        ascii: bool,
    ) {
        match option {
            Some(i) => {
                self.group_of_option[i] = u32::try_from(self.groups.len()).unwrap_or(NOT_GIVEN - 1);
                self.given.insert(i);
            }
            None => self.any_unknown = true,
        }
        self.groups.push(Group {
            first: key,
            value,
            count: 1,
            // Below `UNKNOWN`, as the table is shorter.
            option: option.map_or(UNKNOWN, |i| i as u8),
            any_empty: value.is_empty(),
            ascii,
            after_secret,
        });
    }

    /// The group of `key`, a name not found in the table as written; for a new name, its
    /// position in the table and whether it is ASCII (`Err`), the group to be made next.
    fn group_for(
        &mut self,
        key: &'p str,
        unknown_index: &mut Option<HashMap<Cow<'p, str>, usize>>,
    ) -> Result<usize, (Option<usize>, bool)> {
        // JavaScript's lowercasing of other letters can turn a name into a known one (the Kelvin
        // sign into `k`).
        let lower = (!key.is_ascii()).then(|| js_lowercase(key));
        let option = lower.as_deref().and_then(options::position);
        let found = match option {
            Some(i) => Some(self.group_of_option[i] as usize).filter(|&n| n < self.groups.len()),
            None => self.find_unknown(lower.as_deref().unwrap_or(key), unknown_index),
        };
        if let Some(n) = found {
            return Ok(n);
        }
        let ascii = lower.is_none();
        if let (None, Some(index)) = (option, unknown_index) {
            let name = lower.map_or_else(|| Cow::Owned(key.to_ascii_lowercase()), Cow::Owned);
            index.insert(name, self.groups.len());
        }
        Err((option, ascii))
    }

    /// The group of an unknown name (`probe`: ASCII, or lowercased), if it was seen.
    fn find_unknown(
        &self,
        probe: &str,
        unknown_index: &mut Option<HashMap<Cow<'p, str>, usize>>,
    ) -> Option<usize> {
        let unknown = || {
            self.groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.option == UNKNOWN)
        };
        if unknown_index.is_none() && self.groups.len() <= SCAN_GROUPS {
            return unknown()
                .find(|(_, g)| g.spelling().eq_ignore_ascii_case(probe))
                .map(|(n, _)| n);
        }
        let index = unknown_index.get_or_insert_with(|| {
            unknown()
                .map(|(n, g)| (Cow::Owned(g.lowercase().into_owned()), n))
                .collect()
        });
        let lower: Cow<'_, str> = if probe.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(probe.to_ascii_lowercase())
        } else {
            Cow::Borrowed(probe)
        };
        index.get(lower.as_ref()).copied()
    }

    /// Whether the URL gives the option at position `i` of the table.
    pub(super) fn has(&self, i: usize) -> bool {
        self.given.contains(i)
    }

    /// The value the driver reads for the option at position `i`: the first value of its first
    /// spelling. `None` when not given, or given without a value (`dbName` by the path).
    pub(super) fn first_value(&self, i: usize) -> Option<&'p str> {
        if self.implied.contains(i) {
            return None;
        }
        let group = self.groups.get(self.group_of_option[i] as usize)?;
        Some(group.value)
    }

    /// Every value of the option at position `i` (`readPreferenceTags` may repeat): the values
    /// of its first spelling, in the URL's order.
    pub(super) fn all_values(&self, i: usize) -> Vec<&'p str> {
        let first = match self.groups.get(self.group_of_option[i] as usize) {
            Some(group) if !self.implied.contains(i) => group.first,
            _ => return Vec::new(),
        };
        self.query
            .iter()
            .filter(|(k, _)| k.as_ref() == first)
            .map(|(_, v)| -> &'p str { v })
            .collect()
    }

    /// The positions of the options given, in the table's order (the order the driver checks
    /// them in).
    pub(super) fn known(&self) -> impl Iterator<Item = usize> {
        self.given.iter()
    }

    /// Whether the URL gives a name the driver does not know.
    pub(super) fn has_unknown(&self) -> bool {
        self.any_unknown
    }

    /// The names the driver does not know, lowercased and sorted as its map lists them, each
    /// with whether it was written after a secret option.
    pub(super) fn unknown(&self) -> Vec<(Cow<'_, str>, bool)> {
        let mut names: Vec<(Cow<'_, str>, bool)> = self
            .groups
            .iter()
            .filter(|g| g.option == UNKNOWN)
            .map(|g| (g.lowercase(), g.after_secret))
            .collect();
        names.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        names
    }
}

/// The driver's refusals of one name: given twice (but `readPreferenceTags`), or empty.
fn check_group(group: &Group<'_>) -> Result<(), MongoUrlError> {
    let Group {
        first,
        after_secret,
        ..
    } = *group;
    let tags = group.is_tags();
    if !tags && group.count > 1 {
        return Err(MongoUrlError::option(
            format!(
                "{} appears more than once",
                option_named(first, after_secret)
            ),
            if after_secret {
                SECRET_TAIL_HELP.into()
            } else {
                Cow::Owned(format!(
                    "keep one `{first}=`: Rocket.Chat's driver rejects repeated options"
                ))
            },
        ));
    }
    // A non-ASCII spelling is never the table's name as written, so it is never `Ignored`.
    let ignored = group
        .option()
        .is_some_and(|i| OPTIONS[i].kind == OptionKind::Ignored)
        && group.ascii;
    if !tags && group.any_empty && !ignored {
        return Err(MongoUrlError::option(
            format!("{} has no value", option_named(first, after_secret)),
            if after_secret {
                SECRET_TAIL_HELP.into()
            } else {
                Cow::Owned(format!("give `{first}` a value or remove it"))
            },
        ));
    }
    Ok(())
}

const DB_NAME: usize = options::at!("dbName");
const AUTH: usize = options::at!("auth");
