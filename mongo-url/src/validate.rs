//! Second stage: the query options and credentials, checked the way Rocket.Chat's driver checks
//! them in `parseOptions` (`lib/connection_string.js`), in the same order.

use super::error::MongoUrlError;
use super::given::{option_named, Given, SECRET_TAIL_HELP};
use super::option_value::OptionValue;
use super::options::{self, at, OptionKind, UriOption, OPTIONS};
use super::read::OptionValues;
use super::split::Parts;
use crate::secret::REDACTED;
use compact_str::CompactString;
use serde_json::{Map, Value};

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
    /// The values read, by the option's position in the table (secrets as `***`).
    pub options: OptionValues,
    pub warnings: Vec<String>,
    /// The authentication mechanism named in the URL, as the driver resolved it.
    pub mechanism: Option<CompactString>,
    /// The database named by the `dbName` option when the path has none.
    pub db_name_option: Option<CompactString>,
}

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

/// The value as it may be shown: `***` for a secret option.
fn shown<'v>(o: &UriOption, value: &'v str) -> &'v str {
    if o.secret {
        REDACTED
    } else {
        value
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
/// earlier one); a value of word characters, `-` and the ASCII punctuation that both regular
/// expression syntaxes (JavaScript's and the regex crate's) read as itself holds no syntax, so it
/// is searched for as text; the regular expression is built only for the other values
/// (compiling it cost about 30 parses, and half of a rejected URL's cost on average).
fn resolve_mechanism(value: &str) -> Result<&'static str, MongoUrlError> {
    if let Some(m) = MECHANISMS.iter().find(|m| m.eq_ignore_ascii_case(value)) {
        return Ok(m);
    }
    if !value.is_empty() && value.bytes().all(is_literal_in_regex) {
        return resolve_mechanism_by_words(value);
    }
    resolve_mechanism_by_regex(value)
}

/// A byte that stands for itself in a regular expression, for JavaScript (without the `u` flag)
/// and for the regex crate (without the `x` flag): word characters, `-`, space and the
/// punctuation neither treats as syntax. Only ASCII: case-insensitive matching of other
/// letters folds them onto ASCII ones (`ſ` matches `S`), which a text search would miss.
fn is_literal_in_regex(b: u8) -> bool {
    is_js_word(b) || b" !\"#%&',-/:;<=>@`~".contains(&b)
}

/// A character of JavaScript's `\w` (and so of `\b`'s test) in a regular expression without
/// the `u` flag: ASCII letters, digits and `_`.
fn is_js_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// [`resolve_mechanism`] for a value of characters that stand for themselves: `\bVALUE\b` with
/// the `i` flag is then the value, in any ASCII case, with a word boundary (a word character on
/// one side, none on the other) at each end.
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
            Prop::Bool(b) => Value::Bool(*b),
            Prop::Text(s) => Value::String(s.to_string()),
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

fn check_unsupported(given: &Given<'_>) -> Result<(), MongoUrlError> {
    // Most URLs name only known options: no list of unknown names is made for them.
    if !given.has_unknown() {
        return Ok(());
    }
    let unknown = given.unknown();
    let Some((first, _)) = unknown.first() else {
        return Ok(());
    };
    if let Some((name, after_secret)) = unknown.iter().find(|(_, after_secret)| *after_secret) {
        return Err(MongoUrlError::option(
            format!("{} is not supported", option_named(name, *after_secret)),
            SECRET_TAIL_HELP,
        ));
    }
    let names = unknown
        .iter()
        .map(|(s, _)| s.as_ref())
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

fn check_early(given: &Given<'_>) -> Result<(), MongoUrlError> {
    if given.has(at!("serverApi")) {
        return Err(MongoUrlError::option(
            "the URL cannot contain `serverApi`; it can only be passed to the client",
            "remove serverApi from the URL",
        ));
    }
    // Only readPreferenceTags may be given twice: the other options have one value at most.
    if let Some(v) = given.first_value(at!("authMechanismProperties")) {
        if v.starts_with("ALLOWED_HOSTS:") || v.contains(",ALLOWED_HOSTS:") {
            return Err(MongoUrlError::option(
                "auth mechanism property ALLOWED_HOSTS is not allowed in the connection string",
                "remove ALLOWED_HOSTS from authMechanismProperties",
            ));
        }
    }
    let tls = &OPTIONS[at!("tls")];
    let mut tls_values = [at!("tls"), at!("ssl")]
        .into_iter()
        .filter_map(|i| given.first_value(i));
    if let Some(first) = tls_values.next() {
        let first = get_bool(tls, first)?;
        for v in tls_values {
            if get_bool(tls, v)? != first {
                return Err(MongoUrlError::conflict(
                    "tls and ssl disagree; all values of tls/ssl must be the same",
                    "keep only `tls=true` (ssl is its old name)",
                ));
            }
        }
    }
    let insecure = given.has(at!("tlsInsecure"));
    for (other, i) in [
        (
            "tlsAllowInvalidCertificates",
            at!("tlsAllowInvalidCertificates"),
        ),
        ("tlsAllowInvalidHostnames", at!("tlsAllowInvalidHostnames")),
    ] {
        if insecure && given.has(i) {
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
    out: OptionValues,
    credentials: Option<Credentials<'p>>,
    read_preference: ReadPreferenceState,
    warnings: Vec<String>,
}

/// Reads the value of the option at position `i` as the driver does for its kind, into `st`.
/// `first` is its first value ([`Given::first_value`], `""` for none).
fn apply<'p>(
    i: usize,
    first: &'p str,
    given: &Given<'p>,
    parts: &'p Parts<'_>,
    st: &mut State<'p>,
) -> Result<(), MongoUrlError> {
    let o = &OPTIONS[i];
    let value = match o.kind {
        OptionKind::String if i == at!("w") => Some(w_value(first)),
        OptionKind::String | OptionKind::Any => Some(shown(o, first).into()),
        OptionKind::Boolean => Some(Value::Bool(get_bool(o, first)?).into()),
        OptionKind::Int => Some(Value::from(get_int(o, first)?).into()),
        OptionKind::UInt => Some(Value::from(get_uint(o, first)?).into()),
        OptionKind::Ignored | OptionKind::ServerApi => None,
        OptionKind::ObjectOnly => return Err(object_only(o)),
        OptionKind::Auth => {
            st.credentials = Some(userinfo_credentials(parts)?);
            None
        }
        OptionKind::AuthMechanism => Some(auth_mechanism(first, &mut st.credentials)?),
        OptionKind::AuthMechanismProperties => {
            Some(auth_mechanism_properties(o, first, &mut st.credentials)?.into())
        }
        OptionKind::AuthSource => {
            st.credentials.get_or_insert_with(Credentials::new).source = first;
            Some(first.into())
        }
        OptionKind::Compressors => Some(compressors(first)?.into()),
        OptionKind::Family => Some(family(o, first)?.into()),
        OptionKind::MaxConnecting => Some(max_connecting(o, first)?.into()),
        OptionKind::MaxStalenessSeconds => {
            let n = max_staleness_seconds(o, first)?;
            st.read_preference.max_staleness = Some(n);
            Some(Value::from(n).into())
        }
        OptionKind::ReadPreference => Some(read_preference(first, &st.read_preference)?),
        OptionKind::ReadPreferenceTags => {
            Some(read_preference_tags(o, &given.all_values(i))?.into())
        }
        OptionKind::ServerMonitoringMode => Some(server_monitoring_mode(first)?),
        OptionKind::WriteConcern => Some(write_concern(first)?),
        OptionKind::LogPath => Some(log_path(first)?),
    };
    if let Some(value) = value {
        // Each option of the table is read once.
        st.out.add(i, value);
    }
    Ok(())
}

/// `w`: the driver turns a numeric value into a number.
fn w_value(first: &str) -> OptionValue {
    match first.trim().parse::<i64>() {
        Ok(n) => Value::from(n).into(),
        Err(_) => first.into(),
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
) -> Result<OptionValue, MongoUrlError> {
    let mechanism = resolve_mechanism(first)?;
    let c = credentials.get_or_insert_with(Credentials::new);
    if mechanism == "PLAIN" || is_external(mechanism) {
        c.source = EXTERNAL_SOURCE;
    }
    c.mechanism = mechanism;
    Ok(CompactString::const_new(mechanism).into())
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
                Value::String(REDACTED.to_string())
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
    Ok(Value::Array(
        list.into_iter()
            .map(|c| Value::String(c.to_string()))
            .collect(),
    ))
}

fn family(o: &UriOption, first: &str) -> Result<Value, MongoUrlError> {
    let n = get_int(o, first)?;
    if n != 4 && n != 6 {
        return Err(MongoUrlError::option(
            format!("option 'family' must be 4 or 6, got {n}"),
            "write `family=4` or `family=6`",
        ));
    }
    Ok(Value::from(n))
}

fn max_connecting(o: &UriOption, first: &str) -> Result<Value, MongoUrlError> {
    let n = get_uint(o, first)?;
    if n == 0 {
        return Err(MongoUrlError::option(
            "maxConnecting must be > 0 if specified",
            "write `maxConnecting=2` (the default) or more",
        ));
    }
    Ok(Value::from(n))
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
fn read_preference(first: &str, state: &ReadPreferenceState) -> Result<OptionValue, MongoUrlError> {
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
    Ok(first.into())
}

/// `readPreferenceTags`: one tag set per occurrence.
fn read_preference_tags(o: &UriOption, values: &[&str]) -> Result<Value, MongoUrlError> {
    let mut tags = Vec::new();
    for v in values {
        let set: Map<String, Value> = key_value_pairs(o, v)?
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        tags.push(Value::Object(set));
    }
    Ok(Value::Array(tags))
}

fn server_monitoring_mode(first: &str) -> Result<OptionValue, MongoUrlError> {
    if !["auto", "poll", "stream"].contains(&first) {
        return Err(MongoUrlError::option(
            "serverMonitoringMode must be one of `auto`, `poll`, or `stream`",
            "write `serverMonitoringMode=auto`",
        ));
    }
    Ok(first.into())
}

fn write_concern(first: &str) -> Result<OptionValue, MongoUrlError> {
    if first != "majority" {
        return Err(MongoUrlError::option(
            format!("invalid writeConcern `{first}`: only `majority` can be written in a URL"),
            "use `w=majority` or `w=1`",
        ));
    }
    Ok(first.into())
}

fn log_path(first: &str) -> Result<OptionValue, MongoUrlError> {
    if first != "stderr" && first != "stdout" {
        return Err(MongoUrlError::option(
            "mongodbLogPath must be `stderr` or `stdout`",
            "write `mongodbLogPath=stderr`",
        ));
    }
    Ok(first.into())
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

/// The checks across options (load balancing, SRV, directConnection, proxy).
fn check_combinations(
    parts: &Parts,
    given: &Given<'_>,
    out: &OptionValues,
) -> Result<(), MongoUrlError> {
    let replica_set = out.str(at!("replicaSet"));
    let direct = out.bool(at!("directConnection"));
    if out.bool(at!("loadBalanced")) {
        if parts.host_count() > 1 {
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
        if parts.srv && out.positive(at!("srvMaxHosts")) {
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
        if out.positive(at!("srvMaxHosts")) && replica_set.is_some() {
            return Err(MongoUrlError::conflict(
                "srvMaxHosts cannot be combined with replicaSet",
                "remove srvMaxHosts or replicaSet",
            ));
        }
    } else if given.has(at!("srvMaxHosts")) || given.has(at!("srvServiceName")) {
        return Err(MongoUrlError::conflict(
            "srvMaxHosts and srvServiceName need a mongodb+srv URL",
            "remove them, or use `mongodb+srv://`",
        ));
    }
    if direct && (parts.srv || parts.host_count() != 1) {
        return Err(MongoUrlError::conflict(
            "directConnection requires exactly one host",
            "remove directConnection=true to let the driver discover the replica set",
        ));
    }
    let proxy_host = out.contains(at!("proxyHost"));
    let proxy_user = out.contains(at!("proxyUsername"));
    let proxy_pass = out.contains(at!("proxyPassword"));
    if !proxy_host && (out.positive(at!("proxyPort")) || proxy_user || proxy_pass) {
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
    let mut given = Given::new(parts);
    given.collect(&mut warnings)?;
    check_early(&given)?;
    let mut st = State {
        out: OptionValues::default(),
        credentials: None,
        read_preference: ReadPreferenceState::default(),
        warnings,
    };
    // The options given, in the table's order (the driver's).
    for i in given.known() {
        let o = &OPTIONS[i];
        let is_db_name = i == at!("dbName");
        let first = given.first_value(i);
        if o.kind != OptionKind::Auth && !is_db_name && first.is_none() {
            continue;
        }
        if let Some(note) = o.deprecated {
            st.warnings
                .push(format!("{} is a deprecated option: {note}", o.name));
        }
        if is_db_name && parts.database.is_some() {
            continue; // the path's database wins
        }
        apply(i, first.unwrap_or(""), &given, parts, &mut st)?;
    }
    let db_name_option = if parts.database.is_none() {
        st.out.str(at!("dbName")).map(CompactString::from)
    } else {
        None
    };
    let db = parts.database.as_deref().or(db_name_option.as_deref());
    let mechanism = st.credentials.as_ref().map(|c| c.mechanism);
    if let Some(c) = st.credentials.as_ref() {
        check_credentials(c, db, given.has(at!("authSource")))?;
    }
    check_combinations(parts, &given, &st.out)?;
    Ok(Validated {
        options: st.out,
        warnings: st.warnings,
        mechanism: mechanism
            .filter(|m| *m != "DEFAULT" || given.has(at!("authMechanism")))
            .map(CompactString::const_new),
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

    /// Values with the punctuation that stands for itself resolve as the regular expression
    /// does.
    #[test]
    fn a_value_of_literal_punctuation_resolves_as_the_regex_does() {
        let punctuation: Vec<char> = " !\"#%&',-/:;<=>@`~".chars().collect();
        let mut values: Vec<String> = Vec::new();
        for p in &punctuation {
            for q in punctuation.iter().chain(['A', '1', '_', 'x'].iter()) {
                values.push(format!("{p}{q}"));
                values.push(format!("{q}{p}"));
            }
            for m in MECHANISMS {
                for cut in 0..=m.len() {
                    values.push(format!("{}{p}{}", &m[..cut], &m[cut..]));
                    values.push(format!("{}{p}", &m[..cut]));
                    values.push(format!("{p}{}", &m[cut..]));
                }
            }
        }
        for value in &values {
            assert!(value.bytes().all(super::is_literal_in_regex), "{value}");
            assert_eq!(
                resolve_mechanism_by_words(value),
                resolve_mechanism_by_regex(value),
                "{value:?}"
            );
        }
        assert!(values.len() > 5_000, "{}", values.len());
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
