//! Second stage: the query options and credentials, checked the way Rocket.Chat's driver checks
//! them in `parseOptions` (`lib/connection_string.js`), in the same order.

use super::error::MongoUrlError;
use super::options::{self, OptionKind, UriOption, OPTIONS};
use super::split::Parts;
use crate::secret::REDACTED;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Authentication mechanisms, in the driver's order (its regex lookup takes the first match).
const MECHANISMS: &[&str] = &[
    "MONGODB-AWS",
    "MONGODB-CR",
    "DEFAULT",
    "GSSAPI",
    "PLAIN",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "MONGODB-X509",
    "MONGODB-OIDC",
];
/// The help for a mechanism name the driver does not know: `MECHANISMS` joined.
const MECHANISM_HELP: &str = "use one of MONGODB-AWS, MONGODB-CR, DEFAULT, GSSAPI, PLAIN, SCRAM-SHA-1, SCRAM-SHA-256, MONGODB-X509, MONGODB-OIDC";
const EXTERNAL_SOURCE: &str = "$external";
const READ_PREFERENCE_MODES: &[&str] = &[
    "primary",
    "primaryPreferred",
    "secondary",
    "secondaryPreferred",
    "nearest",
];
const COMPRESSORS: &[&str] = &["none", "snappy", "zlib", "zstd"];
const OIDC_ENVIRONMENTS: &[&str] = &["test", "azure", "gcp", "k8s"];

/// What the options say, once validated.
#[derive(Debug, Clone, Default)]
pub(super) struct Validated {
    /// Lowercased option name -> value (secrets as `***`).
    pub options: BTreeMap<String, Value>,
    pub warnings: Vec<String>,
    /// The authentication mechanism named in the URL, as the driver resolved it.
    pub mechanism: Option<String>,
    /// The database named by the `dbName` option when the path has none.
    pub db_name_option: Option<String>,
}

/// An option's values as the URL gives them (first spelling wins, as in the driver).
struct Given<'p> {
    /// The option's position in the driver's table, found by the lowercased name; `None` for a
    /// name the driver does not know.
    option: Option<usize>,
    values: Vec<&'p str>,
    /// An unknown name written after a secret option: possibly the tail of a password with an
    /// unencoded `&` in it, so messages describe it instead of naming it.
    after_secret: bool,
}

/// How a message names an option: by name, or, for an unknown name written after a secret
/// option (which may be a piece of a password cut at an unencoded `&`), by where it stands.
fn option_named(name: &str, after_secret: bool) -> Cow<'static, str> {
    if after_secret {
        "an option written after a password option (name not shown: it may be part of the password)"
            .into()
    } else {
        format!("URI option `{name}`").into()
    }
}

/// The fix to suggest for an option named by `option_named` as written after a secret.
const SECRET_TAIL_HELP: &str = "percent-encode `&`, `=`, `+` and `%` in the password (%26, %3D, %2B, %25): the driver splits the query at every `&`";

/// JavaScript's `parseInt(text, 10)`: leading white space, a sign, then at least one digit;
/// what follows the digits is ignored. Saturates far beyond any meaningful option value.
pub(super) fn js_parse_int(text: &str) -> Option<i64> {
    let t =
        text.trim_start_matches(|c: char| (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}');
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 {
        return None;
    }
    let magnitude = digits[..end].bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

fn shown(o: &UriOption, value: &str) -> String {
    if o.secret {
        REDACTED.to_string()
    } else {
        value.to_string()
    }
}

fn get_bool(o: &UriOption, value: &str) -> Result<bool, MongoUrlError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(MongoUrlError::option(
            format!(
                "{} must be either \"true\" or \"false\", got `{}`",
                o.name,
                shown(o, value)
            ),
            format!("write `{}=true` or `{}=false` (lowercase)", o.name, o.name),
        )),
    }
}

fn get_int(o: &UriOption, value: &str) -> Result<i64, MongoUrlError> {
    js_parse_int(value).ok_or_else(|| {
        MongoUrlError::option(
            format!("{} must be an integer, got `{}`", o.name, shown(o, value)),
            format!("write a whole number, e.g. `{}=1000`", o.name),
        )
    })
}

fn get_uint(o: &UriOption, value: &str) -> Result<i64, MongoUrlError> {
    let n = get_int(o, value)?;
    if n < 0 {
        return Err(MongoUrlError::option(
            format!("{} can only be a positive integer, got `{value}`", o.name),
            format!("write 0 or more: `{}=0`", o.name),
        ));
    }
    Ok(n)
}

/// The driver's `entriesFromString`: `k:v,k:v`, each entry needing a colon.
fn key_value_pairs<'v>(
    o: &UriOption,
    value: &'v str,
) -> Result<Vec<(&'v str, &'v str)>, MongoUrlError> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for entry in value.split(',') {
        let Some((k, v)) = entry.split_once(':') else {
            // After a secret property, an entry without `:` is likely the secret's tail (a comma
            // inside a token): never quote it then.
            let after_secret = pairs.iter().any(|(k, _)| options::is_secret_property(k));
            let shown = if after_secret { REDACTED } else { entry };
            return Err(MongoUrlError::option(
                format!("{}: the entry `{shown}` has no `:` (key:value pairs expected)", o.name),
                format!("write `{}=key:value,key2:value2`; a comma inside a value cannot be written in a URL", o.name),
            ));
        };
        pairs.push((k, v));
    }
    Ok(pairs)
}

/// JavaScript regular expressions (without the `u` flag, no groups) read `\\O`, `\\-`, `\\9`
/// as the character itself and `\\1`..`\\7` as octal escapes; the regex crate rejects those,
/// so they become plain literals.
fn js_identity_escapes(pattern: &str) -> String {
    const CLASSES: &str = "dDwWsSbBnrtvfcxuk";
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(e @ '0'..='7') => {
                let mut code = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) if code * 8 + d <= 0o377 => {
                            code = code * 8 + d;
                            chars.next();
                        }
                        _ => break,
                    }
                }
                let literal = char::from_u32(code).unwrap_or('\0');
                out.push_str(&regex::escape(&literal.to_string()));
            }
            Some(e) if CLASSES.contains(e) => {
                out.push('\\');
                out.push(e);
            }
            Some(e) => out.push_str(&regex::escape(&e.to_string())),
            None => out.push('\\'),
        }
    }
    out
}

/// The driver's lookup `mechanisms.filter(m => m.match(RegExp(String.raw`\b${value}\b`, 'i')))`.
/// A mechanism's own name (in any ASCII case) finds that mechanism (no name is a word of an
/// earlier one); a value of word characters and `-` holds no regular-expression syntax, so it is
/// searched for as text; the regular expression is built only for the other values (compiling
/// it cost about 30 parses).
fn resolve_mechanism(value: &str) -> Result<&'static str, MongoUrlError> {
    if let Some(m) = MECHANISMS.iter().find(|m| m.eq_ignore_ascii_case(value)) {
        return Ok(m);
    }
    if !value.is_empty() && value.bytes().all(|b| is_js_word(b) || b == b'-') {
        return resolve_mechanism_by_words(value);
    }
    resolve_mechanism_by_regex(value)
}

/// A character of JavaScript's `\w` (and so of `\b`'s test) in a regular expression without
/// the `u` flag: ASCII letters, digits and `_`.
fn is_js_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// [`resolve_mechanism`] for a value of word characters and `-`: `\bVALUE\b` with the `i` flag
/// is then the value, in any ASCII case, with a word boundary (a word character on one side,
/// none on the other) at each end.
fn resolve_mechanism_by_words(value: &str) -> Result<&'static str, MongoUrlError> {
    MECHANISMS
        .iter()
        .copied()
        .find(|m| contains_as_word(m.as_bytes(), value.as_bytes()))
        .ok_or_else(|| unknown_mechanism(value))
}

/// Whether `needle` (not empty) occurs in `haystack`, ignoring ASCII case, between two word
/// boundaries in JavaScript's sense.
fn contains_as_word(haystack: &[u8], needle: &[u8]) -> bool {
    let boundary = |at: usize| {
        let before = at > 0 && is_js_word(haystack[at - 1]);
        let after = at < haystack.len() && is_js_word(haystack[at]);
        before != after
    };
    haystack.len() >= needle.len()
        && (0..=haystack.len() - needle.len()).any(|at| {
            haystack[at..at + needle.len()].eq_ignore_ascii_case(needle)
                && boundary(at)
                && boundary(at + needle.len())
        })
}

/// The driver's refusal of a value that finds no mechanism.
fn unknown_mechanism(value: &str) -> MongoUrlError {
    MongoUrlError::option(
        format!(
            "authMechanism must be one of {}, got `{value}`",
            MECHANISMS.join(",")
        ),
        MECHANISM_HELP,
    )
}

/// [`resolve_mechanism`] as the driver spells it: a regular expression built from the value.
fn resolve_mechanism_by_regex(value: &str) -> Result<&'static str, MongoUrlError> {
    let help = MECHANISM_HELP;
    // In JavaScript a quantifier right after the leading `\\b` has nothing to repeat.
    let quantified_boundary = value.starts_with(['?', '*', '+'])
        || (value.starts_with('{') && value[1..].starts_with(|c: char| c.is_ascii_digit()));
    if quantified_boundary {
        return Err(MongoUrlError::option(
            format!("authMechanism `{value}` is not a valid mechanism name"),
            help,
        ));
    }
    let pattern =
        regex::Regex::new(&format!(r"(?i)\b{}\b", js_identity_escapes(value))).map_err(|_| {
            MongoUrlError::option(
                format!("authMechanism `{value}` is not a valid mechanism name"),
                help,
            )
        })?;
    MECHANISMS
        .iter()
        .copied()
        .find(|m| pattern.is_match(m))
        .ok_or_else(|| unknown_mechanism(value))
}

/// A property value of `authMechanismProperties`: `true`/`false` become booleans.
#[derive(Debug, Clone, PartialEq)]
enum Prop<'p> {
    Bool(bool),
    Text(&'p str),
}

impl Prop<'_> {
    fn truthy(&self) -> bool {
        match self {
            Prop::Bool(b) => *b,
            Prop::Text(s) => !s.is_empty(),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Prop::Bool(b) => json!(b),
            Prop::Text(s) => json!(s),
        }
    }
}

/// The credentials as the options build them, borrowing from the URL's parts.
#[derive(Debug, Clone)]
struct Credentials<'p> {
    username: &'p str,
    password: &'p str,
    mechanism: &'static str,
    properties: Vec<(&'p str, Prop<'p>)>,
    source: &'p str,
}

impl<'p> Credentials<'p> {
    fn new() -> Self {
        Credentials {
            username: "",
            password: "",
            mechanism: "DEFAULT",
            properties: Vec::new(),
            source: "admin",
        }
    }

    fn property(&self, name: &str) -> Option<&Prop<'p>> {
        self.properties
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// Read preference state as the driver builds it option by option.
#[derive(Debug, Clone, Default)]
struct ReadPreferenceState {
    max_staleness: Option<i64>,
}

/// The options given, by lowercased name (sorted, as the driver's checks list unknown names).
type GivenMap<'p> = BTreeMap<Cow<'p, str>, Given<'p>>;

/// The spellings of one option name in the query, in the order they first appear.
struct Group<'p> {
    lower: Cow<'p, str>,
    /// The first spelling: the only one whose values the driver reads.
    first: &'p str,
    /// The position in the driver's table of the first spelling.
    first_option: Option<usize>,
    values: Vec<&'p str>,
    after_secret: bool,
}

/// Above this many names, groups are found through a hash map rather than a scan.
const SCAN_GROUPS: usize = 16;

/// Collects the query into the driver's case-insensitive option map. One pass over the query:
/// a URL may repeat an option thousands of times, or give thousands of names.
fn collect<'p>(
    parts: &'p Parts<'_>,
    warnings: &mut Vec<String>,
) -> Result<GivenMap<'p>, MongoUrlError> {
    let mut given: GivenMap<'p> = BTreeMap::new();
    // The path's database and the userinfo count as given `dbName` and `auth` options.
    let implied = |name: &'static str| {
        let given = Given {
            option: options::position(name),
            values: vec![],
            after_secret: false,
        };
        (Cow::Borrowed(name), given)
    };
    if parts.database.is_some() {
        given.extend([implied("dbname")]);
    }
    if parts.username.is_some() {
        given.extend([implied("auth")]);
    }
    // The driver's lookup finds the first spelling of a name and reads only its values.
    let mut groups: Vec<Group<'p>> = Vec::new();
    let mut group_of: HashMap<Cow<'p, str>, usize> = HashMap::new();
    let mut warned: HashSet<(&str, &str)> = HashSet::new();
    let mut secret_seen = false;
    for (key, value) in &parts.query {
        let key: &'p str = key;
        let known = options::position(key);
        let after_secret = secret_seen && known.is_none();
        secret_seen |= known.is_some_and(|i| OPTIONS[i].secret);
        let lower = lowercase(key);
        let found = if groups.len() <= SCAN_GROUPS {
            groups.iter().position(|g| g.lower == lower)
        } else {
            if group_of.is_empty() {
                group_of.extend(groups.iter().enumerate().map(|(i, g)| (g.lower.clone(), i)));
            }
            group_of.get(&lower).copied()
        };
        let n = found.unwrap_or_else(|| {
            if !group_of.is_empty() {
                group_of.insert(lower.clone(), groups.len());
            }
            groups.push(Group {
                lower,
                first: key,
                first_option: known,
                values: Vec::new(),
                after_secret: false,
            });
            groups.len() - 1
        });
        let group = &mut groups[n];
        group.after_secret |= after_secret;
        if key == group.first {
            group.values.push(value);
        } else if after_secret {
            warnings.push(format!(
                "{} repeats an earlier option with different case; the driver ignores it",
                option_named(key, true)
            ));
        } else if warned.insert((group.first, key)) {
            let first = group.first;
            warnings.push(format!(
                "option `{key}` repeats `{first}` with different case; the driver uses `{first}` and ignores `{key}`"
            ));
        }
    }
    for group in groups {
        let Group {
            lower,
            first,
            first_option,
            values,
            after_secret,
        } = group;
        let tags = lower.contains("readpreferencetags");
        if !tags && values.len() > 1 {
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
        let ignored = first_option.is_some_and(|i| OPTIONS[i].kind == OptionKind::Ignored);
        if !tags && values.iter().any(|v| v.is_empty()) && !ignored {
            return Err(MongoUrlError::option(
                format!("{} has no value", option_named(first, after_secret)),
                if after_secret {
                    SECRET_TAIL_HELP.into()
                } else {
                    Cow::Owned(format!("give `{first}` a value or remove it"))
                },
            ));
        }
        // ASCII case does not matter to the table; JavaScript's lowercasing of other letters
        // can turn a name into a known one (the Kelvin sign into `k`).
        let option = if first.is_ascii() {
            first_option
        } else {
            options::position(&lower)
        };
        given.entry(lower).or_insert(Given {
            option,
            values,
            after_secret,
        });
    }
    Ok(given)
}

/// JavaScript's `toLowerCase`, without the Unicode tables (or a copy) for the usual ASCII names.
fn lowercase(name: &str) -> Cow<'_, str> {
    if !name.is_ascii() {
        Cow::Owned(name.to_lowercase())
    } else if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

fn check_unsupported(given: &GivenMap<'_>) -> Result<(), MongoUrlError> {
    let unknown: Vec<(&str, &Given)> = given
        .iter()
        .filter(|(_, g)| g.option.is_none())
        .map(|(k, g)| (k.as_ref(), g))
        .collect();
    let Some(&(first, _)) = unknown.first() else {
        return Ok(());
    };
    if let Some(&(name, g)) = unknown.iter().find(|(_, g)| g.after_secret) {
        return Err(MongoUrlError::option(
            format!("{} is not supported", option_named(name, g.after_secret)),
            SECRET_TAIL_HELP,
        ));
    }
    let names = unknown
        .iter()
        .map(|(s, _)| *s)
        .collect::<Vec<_>>()
        .join(", ");
    let message = if unknown.len() > 1 {
        format!("options {names} are not supported")
    } else {
        format!("option {names} is not supported")
    };
    // The "did you mean" search is worked out only if the help is read.
    Err(MongoUrlError::unknown_option(message, first))
}

/// The values given for an option, by its lowercase name.
fn value_of<'g, 'p>(given: &'g GivenMap<'p>, lower: &str) -> Option<&'g [&'p str]> {
    debug_assert!(!lower.bytes().any(|b| b.is_ascii_uppercase()), "{lower}");
    given.get(lower).map(|g| g.values.as_slice())
}

/// Whether an option is given, by its lowercase name.
fn has(given: &GivenMap<'_>, lower: &str) -> bool {
    debug_assert!(!lower.bytes().any(|b| b.is_ascii_uppercase()), "{lower}");
    given.contains_key(lower)
}

fn check_early(given: &GivenMap<'_>) -> Result<(), MongoUrlError> {
    if has(given, "serverapi") {
        return Err(MongoUrlError::option(
            "the URL cannot contain `serverApi`; it can only be passed to the client",
            "remove serverApi from the URL",
        ));
    }
    for v in value_of(given, "authmechanismproperties").unwrap_or_default() {
        if v.starts_with("ALLOWED_HOSTS:") || v.contains(",ALLOWED_HOSTS:") {
            return Err(MongoUrlError::option(
                "auth mechanism property ALLOWED_HOSTS is not allowed in the connection string",
                "remove ALLOWED_HOSTS from authMechanismProperties",
            ));
        }
    }
    let tls_values: Vec<&str> = value_of(given, "tls")
        .unwrap_or_default()
        .iter()
        .chain(value_of(given, "ssl").unwrap_or_default())
        .copied()
        .collect();
    if !tls_values.is_empty() {
        let tls = options::lookup("tls").unwrap_or(&OPTIONS[0]);
        let parsed = tls_values
            .iter()
            .map(|v| get_bool(tls, v))
            .collect::<Result<Vec<bool>, _>>()?;
        if parsed.iter().any(|b| *b != parsed[0]) {
            return Err(MongoUrlError::conflict(
                "tls and ssl disagree; all values of tls/ssl must be the same",
                "keep only `tls=true` (ssl is its old name)",
            ));
        }
    }
    let insecure = has(given, "tlsinsecure");
    for (other, lower) in [
        ("tlsAllowInvalidCertificates", "tlsallowinvalidcertificates"),
        ("tlsAllowInvalidHostnames", "tlsallowinvalidhostnames"),
    ] {
        if insecure && has(given, lower) {
            return Err(MongoUrlError::conflict(
                format!("the 'tlsInsecure' option cannot be used with the '{other}' option"),
                format!("tlsInsecure=true already implies {other}=true: keep one of them"),
            ));
        }
    }
    check_unsupported(given)
}

/// Everything the option loop builds up.
struct State<'p> {
    out: BTreeMap<String, Value>,
    credentials: Option<Credentials<'p>>,
    read_preference: ReadPreferenceState,
    warnings: Vec<String>,
}

/// Reads one option's value as the driver does for its kind, into `st`.
fn apply<'p>(
    o: &UriOption,
    values: &[&'p str],
    parts: &'p Parts<'_>,
    st: &mut State<'p>,
) -> Result<(), MongoUrlError> {
    let key = o.name.to_ascii_lowercase();
    let first = values.first().copied().unwrap_or("");
    let value = match o.kind {
        OptionKind::String if o.name == "w" => Some(w_value(first)),
        OptionKind::String | OptionKind::Any => Some(json!(shown(o, first))),
        OptionKind::Boolean => Some(json!(get_bool(o, first)?)),
        OptionKind::Int => Some(json!(get_int(o, first)?)),
        OptionKind::UInt => Some(json!(get_uint(o, first)?)),
        OptionKind::Ignored | OptionKind::ServerApi => None,
        OptionKind::ObjectOnly => return Err(object_only(o)),
        OptionKind::Auth => {
            st.credentials = Some(userinfo_credentials(parts)?);
            None
        }
        OptionKind::AuthMechanism => Some(auth_mechanism(first, &mut st.credentials)?),
        OptionKind::AuthMechanismProperties => {
            Some(auth_mechanism_properties(o, first, &mut st.credentials)?)
        }
        OptionKind::AuthSource => {
            st.credentials.get_or_insert_with(Credentials::new).source = first;
            Some(json!(first))
        }
        OptionKind::Compressors => Some(compressors(first)?),
        OptionKind::Family => Some(family(o, first)?),
        OptionKind::MaxConnecting => Some(max_connecting(o, first)?),
        OptionKind::MaxStalenessSeconds => {
            let n = max_staleness_seconds(o, first)?;
            st.read_preference.max_staleness = Some(n);
            Some(json!(n))
        }
        OptionKind::ReadPreference => Some(read_preference(first, &st.read_preference)?),
        OptionKind::ReadPreferenceTags => Some(read_preference_tags(o, values)?),
        OptionKind::ServerMonitoringMode => Some(server_monitoring_mode(first)?),
        OptionKind::WriteConcern => Some(write_concern(first)?),
        OptionKind::LogPath => Some(log_path(first)?),
    };
    if let Some(value) = value {
        st.out.insert(key, value);
    }
    Ok(())
}

/// `w`: the driver turns a numeric value into a number.
fn w_value(first: &str) -> Value {
    match first.trim().parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(first),
    }
}

fn object_only(o: &UriOption) -> MongoUrlError {
    MongoUrlError::option(
        format!("{} can only be set from code, not in a URL", o.name),
        format!("remove {} from the URL", o.name),
    )
}

/// `auth`: the URL's userinfo, which it must have.
fn userinfo_credentials<'p>(parts: &'p Parts<'_>) -> Result<Credentials<'p>, MongoUrlError> {
    match &parts.username {
        Some(username) => {
            let mut c = Credentials::new();
            c.username = username;
            c.password = parts.password.as_deref().unwrap_or_default();
            Ok(c)
        }
        None => Err(MongoUrlError::option(
            "auth must be an object with 'username' and 'password' properties",
            "write credentials as `user:password@` before the hosts",
        )),
    }
}

/// `authMechanism`: a mechanism the driver knows; PLAIN and the external ones authenticate
/// against `$external`.
fn auth_mechanism(
    first: &str,
    credentials: &mut Option<Credentials<'_>>,
) -> Result<Value, MongoUrlError> {
    let mechanism = resolve_mechanism(first)?;
    let c = credentials.get_or_insert_with(Credentials::new);
    if mechanism == "PLAIN" || is_external(mechanism) {
        c.source = EXTERNAL_SOURCE;
    }
    c.mechanism = mechanism;
    Ok(json!(mechanism))
}

/// `authMechanismProperties`: `KEY:value` pairs, secret ones shown as `***`.
fn auth_mechanism_properties<'p>(
    o: &UriOption,
    first: &'p str,
    credentials: &mut Option<Credentials<'p>>,
) -> Result<Value, MongoUrlError> {
    let mut props = Vec::new();
    for (k, v) in key_value_pairs(o, first)? {
        let prop = match v {
            "true" => Prop::Bool(true),
            "false" => Prop::Bool(false),
            _ => Prop::Text(v),
        };
        props.push((k, prop));
    }
    let shown_props: Map<String, Value> = props
        .iter()
        .map(|(k, v)| {
            let shown = if options::is_secret_property(k) {
                json!(REDACTED)
            } else {
                v.to_json()
            };
            (k.to_string(), shown)
        })
        .collect();
    credentials.get_or_insert_with(Credentials::new).properties = props;
    Ok(Value::Object(shown_props))
}

/// `compressors`: known names, comma-separated, each kept once.
fn compressors(first: &str) -> Result<Value, MongoUrlError> {
    let mut list: Vec<&str> = Vec::new();
    for c in first.split(',') {
        if !COMPRESSORS.contains(&c) {
            return Err(MongoUrlError::option(
                format!(
                    "`{c}` is not a valid compression mechanism; must be one of {}",
                    COMPRESSORS.join(",")
                ),
                "write e.g. `compressors=zstd,zlib`",
            ));
        }
        if !list.contains(&c) {
            list.push(c);
        }
    }
    Ok(json!(list))
}

fn family(o: &UriOption, first: &str) -> Result<Value, MongoUrlError> {
    let n = get_int(o, first)?;
    if n != 4 && n != 6 {
        return Err(MongoUrlError::option(
            format!("option 'family' must be 4 or 6, got {n}"),
            "write `family=4` or `family=6`",
        ));
    }
    Ok(json!(n))
}

fn max_connecting(o: &UriOption, first: &str) -> Result<Value, MongoUrlError> {
    let n = get_uint(o, first)?;
    if n == 0 {
        return Err(MongoUrlError::option(
            "maxConnecting must be > 0 if specified",
            "write `maxConnecting=2` (the default) or more",
        ));
    }
    Ok(json!(n))
}

fn max_staleness_seconds(o: &UriOption, first: &str) -> Result<i64, MongoUrlError> {
    let n = get_uint(o, first)?;
    if n <= 0 {
        return Err(MongoUrlError::option(
            "maxStalenessSeconds must be a positive integer",
            "write at least `maxStalenessSeconds=90`, or remove it",
        ));
    }
    Ok(n)
}

/// `readPreference`: a mode in exact case, and not `primary` with a staleness bound.
fn read_preference(first: &str, state: &ReadPreferenceState) -> Result<Value, MongoUrlError> {
    if !READ_PREFERENCE_MODES.contains(&first) {
        return Err(MongoUrlError::option(
            format!("invalid read preference mode `{first}`"),
            format!(
                "use one of {} (exact case)",
                READ_PREFERENCE_MODES.join(", ")
            ),
        ));
    }
    if first == "primary" && state.max_staleness.is_some_and(|n| n > 0) {
        return Err(MongoUrlError::conflict(
            "primary read preference cannot be combined with maxStalenessSeconds",
            "remove maxStalenessSeconds, or pick a non-primary read preference",
        ));
    }
    Ok(json!(first))
}

/// `readPreferenceTags`: one tag set per occurrence.
fn read_preference_tags(o: &UriOption, values: &[&str]) -> Result<Value, MongoUrlError> {
    let mut tags = Vec::new();
    for v in values {
        let set: Map<String, Value> = key_value_pairs(o, v)?
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        tags.push(Value::Object(set));
    }
    Ok(Value::Array(tags))
}

fn server_monitoring_mode(first: &str) -> Result<Value, MongoUrlError> {
    if !["auto", "poll", "stream"].contains(&first) {
        return Err(MongoUrlError::option(
            "serverMonitoringMode must be one of `auto`, `poll`, or `stream`",
            "write `serverMonitoringMode=auto`",
        ));
    }
    Ok(json!(first))
}

fn write_concern(first: &str) -> Result<Value, MongoUrlError> {
    if first != "majority" {
        return Err(MongoUrlError::option(
            format!("invalid writeConcern `{first}`: only `majority` can be written in a URL"),
            "use `w=majority` or `w=1`",
        ));
    }
    Ok(json!(first))
}

fn log_path(first: &str) -> Result<Value, MongoUrlError> {
    if first != "stderr" && first != "stdout" {
        return Err(MongoUrlError::option(
            "mongodbLogPath must be `stderr` or `stdout`",
            "write `mongodbLogPath=stderr`",
        ));
    }
    Ok(json!(first))
}

fn is_external(mechanism: &str) -> bool {
    matches!(
        mechanism,
        "GSSAPI" | "MONGODB-AWS" | "MONGODB-OIDC" | "MONGODB-X509"
    )
}

/// The driver's checks on the credentials once every option is read (`MongoCredentials.validate`).
fn check_credentials(
    c: &Credentials<'_>,
    db: Option<&str>,
    auth_source_given: bool,
) -> Result<(), MongoUrlError> {
    let m = c.mechanism;
    if matches!(m, "GSSAPI" | "MONGODB-X509") && auth_source_given && c.source != EXTERNAL_SOURCE {
        return Err(MongoUrlError::auth(
            format!("authMechanism {m} requires an authSource of '$external'"),
            "write `authSource=$external` or leave authSource out",
        ));
    }
    // Without authSource, the database is the source (for the mechanisms not on `$external`).
    let source = match db {
        Some(db) if !auth_source_given && !is_external(m) => db,
        _ => c.source,
    };
    if m == "MONGODB-AWS" && !c.username.is_empty() && c.password.is_empty() {
        return Err(MongoUrlError::auth(
            "with MONGODB-AWS a password must be set when a username is given",
            "give both the access key id and the secret (percent-encoded), or neither",
        ));
    }
    if matches!(m, "GSSAPI" | "PLAIN" | "SCRAM-SHA-1" | "SCRAM-SHA-256") && c.username.is_empty() {
        return Err(MongoUrlError::auth(
            format!("username required for mechanism '{m}'"),
            "write `user:password@` before the hosts, or remove authMechanism",
        ));
    }
    if m == "MONGODB-OIDC" {
        check_oidc(c)?;
    }
    if is_external(m) && source != EXTERNAL_SOURCE {
        return Err(MongoUrlError::auth(
            format!("invalid authSource '{source}' for mechanism '{m}'"),
            "write `authSource=$external` or leave authSource out",
        ));
    }
    if m == "MONGODB-X509" {
        if !c.password.is_empty() {
            return Err(MongoUrlError::auth(
                "a password is not allowed with MONGODB-X509",
                "remove the password: the client certificate authenticates",
            ));
        }
        return Ok(());
    }
    match c.property("CANONICALIZE_HOST_NAME") {
        None | Some(Prop::Bool(_)) => Ok(()),
        Some(Prop::Text(t)) if ["none", "forward", "forwardAndReverse"].contains(t) => Ok(()),
        Some(_) => Err(MongoUrlError::auth(
            "invalid CANONICALIZE_HOST_NAME value",
            "use true, false, none, forward or forwardAndReverse",
        )),
    }
}

fn check_oidc(c: &Credentials<'_>) -> Result<(), MongoUrlError> {
    let env = c.property("ENVIRONMENT");
    let env_is = |name: &str| matches!(env, Some(Prop::Text(t)) if *t == name);
    let help = "see the driver's MONGODB-OIDC documentation for the ENVIRONMENT property";
    if !c.username.is_empty() && env.is_some() && !env_is("azure") {
        return Err(MongoUrlError::auth(
            "a username and this ENVIRONMENT may not be used together for MONGODB-OIDC",
            help,
        ));
    }
    if !c.username.is_empty() && !c.password.is_empty() {
        return Err(MongoUrlError::auth(
            "no password is allowed with MONGODB-OIDC",
            help,
        ));
    }
    if (env_is("azure") || env_is("gcp")) && !c.property("TOKEN_RESOURCE").is_some_and(Prop::truthy)
    {
        return Err(MongoUrlError::auth(
            "TOKEN_RESOURCE must be set for the azure and gcp environments",
            help,
        ));
    }
    if env.is_some() && !OIDC_ENVIRONMENTS.iter().any(|e| env_is(e)) {
        return Err(MongoUrlError::auth(
            format!("ENVIRONMENT must be one of {}", OIDC_ENVIRONMENTS.join(",")),
            help,
        ));
    }
    if env.is_none()
        && c.property("OIDC_CALLBACK").is_none()
        && c.property("OIDC_HUMAN_CALLBACK").is_none()
    {
        return Err(MongoUrlError::auth(
            "MONGODB-OIDC needs an ENVIRONMENT in authMechanismProperties",
            help,
        ));
    }
    Ok(())
}

fn truthy_bool(out: &BTreeMap<String, Value>, key: &str) -> bool {
    out.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn positive(out: &BTreeMap<String, Value>, key: &str) -> bool {
    out.get(key).and_then(Value::as_i64).is_some_and(|n| n > 0)
}

/// The checks across options (load balancing, SRV, directConnection, proxy).
fn check_combinations(
    parts: &Parts,
    given: &GivenMap<'_>,
    out: &BTreeMap<String, Value>,
) -> Result<(), MongoUrlError> {
    let replica_set = out.get("replicaset").and_then(Value::as_str);
    let direct = truthy_bool(out, "directconnection");
    if truthy_bool(out, "loadbalanced") {
        if parts.hosts.len() > 1 {
            return Err(MongoUrlError::conflict(
                "loadBalanced is only supported with a single host",
                "list one host (the load balancer) or remove loadBalanced",
            ));
        }
        if replica_set.is_some_and(|r| !r.is_empty()) {
            return Err(MongoUrlError::conflict(
                "loadBalanced cannot be combined with replicaSet",
                "remove replicaSet or loadBalanced",
            ));
        }
        if direct {
            return Err(MongoUrlError::conflict(
                "loadBalanced cannot be combined with directConnection",
                "remove directConnection",
            ));
        }
        if parts.srv && positive(out, "srvmaxhosts") {
            return Err(MongoUrlError::conflict(
                "srvMaxHosts cannot limit hosts with loadBalanced",
                "remove srvMaxHosts",
            ));
        }
    }
    if parts.srv {
        if direct {
            return Err(MongoUrlError::conflict(
                "a mongodb+srv URL does not support directConnection",
                "remove directConnection=true",
            ));
        }
        if positive(out, "srvmaxhosts") && replica_set.is_some() {
            return Err(MongoUrlError::conflict(
                "srvMaxHosts cannot be combined with replicaSet",
                "remove srvMaxHosts or replicaSet",
            ));
        }
    } else if has(given, "srvmaxhosts") || has(given, "srvservicename") {
        return Err(MongoUrlError::conflict(
            "srvMaxHosts and srvServiceName need a mongodb+srv URL",
            "remove them, or use `mongodb+srv://`",
        ));
    }
    if direct && (parts.srv || parts.hosts.len() != 1) {
        return Err(MongoUrlError::conflict(
            "directConnection requires exactly one host",
            "remove directConnection=true to let the driver discover the replica set",
        ));
    }
    let proxy_host = out.get("proxyhost").is_some();
    let proxy_user = out.get("proxyusername").is_some();
    let proxy_pass = out.get("proxypassword").is_some();
    if !proxy_host && (positive(out, "proxyport") || proxy_user || proxy_pass) {
        return Err(MongoUrlError::conflict(
            "proxyHost must be given when other proxy options are",
            "add proxyHost or remove the proxy options",
        ));
    }
    if proxy_user != proxy_pass {
        return Err(MongoUrlError::conflict(
            "proxyUsername and proxyPassword go together",
            "give both or neither",
        ));
    }
    Ok(())
}

/// Validates the options and credentials of `parts`.
pub(super) fn validate(parts: &Parts<'_>) -> Result<Validated, MongoUrlError> {
    let mut warnings = Vec::new();
    let given = collect(parts, &mut warnings)?;
    check_early(&given)?;
    let mut st = State {
        out: BTreeMap::new(),
        credentials: None,
        read_preference: ReadPreferenceState::default(),
        warnings,
    };
    // The options given, in the table's order (the driver's).
    let mut present: Vec<(usize, &Given<'_>)> = given
        .values()
        .filter_map(|g| g.option.map(|i| (i, g)))
        .collect();
    present.sort_unstable_by_key(|&(i, _)| i);
    for (i, g) in present {
        let o = &OPTIONS[i];
        if o.kind != OptionKind::Auth && o.name != "dbName" && g.values.is_empty() {
            continue;
        }
        if let Some(note) = o.deprecated {
            st.warnings
                .push(format!("{} is a deprecated option: {note}", o.name));
        }
        if o.name == "dbName" && parts.database.is_some() {
            continue; // the path's database wins
        }
        apply(o, &g.values, parts, &mut st)?;
    }
    let db_name_option = if parts.database.is_none() {
        st.out
            .get("dbname")
            .and_then(Value::as_str)
            .map(str::to_string)
    } else {
        None
    };
    let db = parts.database.as_deref().or(db_name_option.as_deref());
    let mechanism = st.credentials.as_ref().map(|c| c.mechanism);
    if let Some(c) = st.credentials.as_ref() {
        check_credentials(c, db, has(&given, "authsource"))?;
    }
    check_combinations(parts, &given, &st.out)?;
    Ok(Validated {
        options: st.out,
        warnings: st.warnings,
        mechanism: mechanism
            .filter(|m| *m != "DEFAULT" || has(&given, "authmechanism"))
            .map(str::to_string),
        db_name_option,
    })
}

#[cfg(test)]
mod tests {
    use super::{
        js_parse_int, resolve_mechanism, resolve_mechanism_by_regex, resolve_mechanism_by_words,
        MECHANISMS, MECHANISM_HELP,
    };

    #[test]
    fn a_mechanisms_own_name_resolves_as_the_regex_does() {
        assert_eq!(
            MECHANISM_HELP,
            format!("use one of {}", MECHANISMS.join(", "))
        );
        for m in MECHANISMS {
            let mixed: String = m
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect();
            for name in [m.to_string(), m.to_ascii_lowercase(), mixed] {
                assert_eq!(
                    resolve_mechanism(&name),
                    resolve_mechanism_by_regex(&name),
                    "{name}"
                );
                assert_eq!(resolve_mechanism(&name), Ok(*m));
            }
        }
        for other in [
            "SCRAM",
            "mongodb",
            "sha-1",
            "x509",
            "SCRAM-SHA",
            "\u{17f}cram-sha-1",
            "X",
        ] {
            assert_eq!(
                resolve_mechanism(other),
                resolve_mechanism_by_regex(other),
                "{other}"
            );
        }
    }

    #[test]
    fn a_value_of_word_characters_resolves_as_the_regex_does() {
        // Every value of up to three characters from those the names are made of (both cases,
        // the digits, `-`, `_` and a letter in none of them), every part of every name cut at
        // any two places, and longer values around the names.
        let alphabet: Vec<char> = "AMSHOXC1256-_zadgsw9".chars().collect();
        let mut values: Vec<String> = Vec::new();
        for a in &alphabet {
            values.push(a.to_string());
            for b in &alphabet {
                values.push(format!("{a}{b}"));
                for c in &alphabet {
                    values.push(format!("{a}{b}{c}"));
                }
            }
        }
        for m in MECHANISMS {
            for start in 0..m.len() {
                for end in start + 1..=m.len() {
                    let part = &m[start..end];
                    values.push(part.to_string());
                    values.push(part.to_ascii_lowercase());
                    values.push(format!("{part}-"));
                    values.push(format!("-{part}"));
                    values.push(format!("{part}_"));
                }
            }
            values.push(format!("x{m}"));
            values.push(format!("{m}-x"));
            values.push(format!("{m}{m}"));
        }
        for value in &values {
            assert_eq!(
                resolve_mechanism_by_words(value),
                resolve_mechanism_by_regex(value),
                "{value}"
            );
        }
        assert!(values.len() > 8_000, "{}", values.len());
        assert_eq!(resolve_mechanism("sha-256"), Ok("SCRAM-SHA-256"));
        assert_eq!(resolve_mechanism("x509"), Ok("MONGODB-X509"));
        // `-` is no word character: a boundary follows `SCRAM-SHA` in `SCRAM-SHA-1`.
        assert_eq!(resolve_mechanism("SCRAM-SHA"), Ok("SCRAM-SHA-1"));
        assert!(resolve_mechanism("SCRAM-SH").is_err());
    }

    #[test]
    fn parse_int_like_javascript() {
        assert_eq!(js_parse_int("10"), Some(10));
        assert_eq!(js_parse_int("  -5x"), Some(-5));
        assert_eq!(js_parse_int("10ms"), Some(10));
        assert_eq!(js_parse_int("0x10"), Some(0));
        assert_eq!(js_parse_int("x"), None);
        assert_eq!(js_parse_int(""), None);
        assert_eq!(js_parse_int("-"), None);
    }
}
