//! Every URI option Rocket.Chat's driver (Node `mongodb` 6.x, its `OPTIONS` table in
//! `lib/connection_string.js`) accepts, with how it reads a value given in a URL. The order is
//! the driver's: it validates options in this order, which decides which error comes first.

use super::words;

/// How the driver reads an option's value from a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionKind {
    /// Any text.
    String,
    /// Exactly `true` or `false`.
    Boolean,
    /// `parseInt` of the text (leading digits; `10ms` is 10).
    Int,
    /// `parseInt`, not negative.
    UInt,
    /// Passed through untouched (a Node.js socket/TLS option).
    Any,
    /// Only settable from code: any value in a URL is an error.
    ObjectOnly,
    /// Userinfo carried as an option (`auth`): only from code.
    Auth,
    /// A mechanism name the driver knows (`SCRAM-SHA-256`, ...).
    AuthMechanism,
    /// `KEY:value` pairs, comma-separated.
    AuthMechanismProperties,
    /// A database name.
    AuthSource,
    /// `serverApi` may never appear in a URL.
    ServerApi,
    /// `zlib`, `snappy`, `zstd` or `none`, comma-separated.
    Compressors,
    /// 4 or 6.
    Family,
    /// A positive integer.
    MaxConnecting,
    /// A positive integer; implies a non-primary read preference.
    MaxStalenessSeconds,
    /// `primary`, `secondaryPreferred`, ...
    ReadPreference,
    /// `key:value` tag sets; may repeat.
    ReadPreferenceTags,
    /// `auto`, `poll` or `stream`.
    ServerMonitoringMode,
    /// Accepted and ignored (`timeoutMS` in 6.x).
    Ignored,
    /// Only `majority` from a URL.
    WriteConcern,
    /// `stderr` or `stdout`.
    LogPath,
}

/// One option of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriOption {
    /// The name as the driver spells it (matched case-insensitively).
    pub name: &'static str,
    /// What values it takes.
    pub kind: OptionKind,
    /// The driver's deprecation note, when it warns about the option.
    pub deprecated: Option<&'static str>,
    /// Whether the value is a secret (a password): reported as `***`.
    pub secret: bool,
}

const fn opt(name: &'static str, kind: OptionKind) -> UriOption {
    UriOption {
        name,
        kind,
        deprecated: None,
        secret: false,
    }
}

const fn deprecated(name: &'static str, kind: OptionKind, note: &'static str) -> UriOption {
    UriOption {
        name,
        kind,
        deprecated: Some(note),
        secret: false,
    }
}

const fn secret(name: &'static str, kind: OptionKind) -> UriOption {
    UriOption {
        name,
        kind,
        deprecated: None,
        secret: true,
    }
}

use OptionKind as K;

/// The driver's options, in its order (112 in `mongodb` 6.22).
pub const OPTIONS: &[UriOption] = &[
    opt("appName", K::String),
    opt("auth", K::Auth),
    opt("authMechanism", K::AuthMechanism),
    opt("authMechanismProperties", K::AuthMechanismProperties),
    opt("authSource", K::AuthSource),
    opt("autoEncryption", K::ObjectOnly),
    opt("autoSelectFamily", K::Boolean),
    opt("autoSelectFamilyAttemptTimeout", K::UInt),
    opt("bsonRegExp", K::Boolean),
    opt("serverApi", K::ServerApi),
    opt("checkKeys", K::Boolean),
    opt("compressors", K::Compressors),
    opt("connectTimeoutMS", K::UInt),
    opt("dbName", K::String),
    opt("directConnection", K::Boolean),
    opt("driverInfo", K::ObjectOnly),
    opt("enableUtf8Validation", K::Boolean),
    opt("family", K::Family),
    opt("fieldsAsRaw", K::ObjectOnly),
    opt("forceServerObjectId", K::Boolean),
    deprecated("fsync", K::Boolean, "Please use journal instead"),
    opt("heartbeatFrequencyMS", K::UInt),
    opt("ignoreUndefined", K::Boolean),
    deprecated("j", K::Boolean, "Please use journal instead"),
    opt("journal", K::Boolean),
    opt("loadBalanced", K::Boolean),
    opt("localThresholdMS", K::UInt),
    opt("maxConnecting", K::MaxConnecting),
    opt("maxIdleTimeMS", K::UInt),
    opt("maxPoolSize", K::UInt),
    opt("maxStalenessSeconds", K::MaxStalenessSeconds),
    opt("minInternalBufferSize", K::UInt),
    opt("minPoolSize", K::UInt),
    opt("minHeartbeatFrequencyMS", K::UInt),
    opt("monitorCommands", K::Boolean),
    opt("name", K::String),
    opt("noDelay", K::Boolean),
    opt("pkFactory", K::ObjectOnly),
    opt("promoteBuffers", K::Boolean),
    opt("promoteLongs", K::Boolean),
    opt("promoteValues", K::Boolean),
    opt("useBigInt64", K::Boolean),
    opt("proxyHost", K::String),
    secret("proxyPassword", K::String),
    opt("proxyPort", K::UInt),
    opt("proxyUsername", K::String),
    opt("raw", K::Boolean),
    opt("readConcern", K::ObjectOnly),
    opt("readConcernLevel", K::String),
    opt("readPreference", K::ReadPreference),
    opt("readPreferenceTags", K::ReadPreferenceTags),
    opt("replicaSet", K::String),
    opt("retryReads", K::Boolean),
    opt("retryWrites", K::Boolean),
    opt("serializeFunctions", K::Boolean),
    opt("serverMonitoringMode", K::ServerMonitoringMode),
    opt("serverSelectionTimeoutMS", K::UInt),
    opt("servername", K::String),
    opt("socketTimeoutMS", K::UInt),
    opt("srvMaxHosts", K::UInt),
    opt("srvServiceName", K::String),
    opt("ssl", K::Boolean),
    deprecated(
        "timeoutMS",
        K::Ignored,
        "timeoutMS has no effect and will be removed in a future release",
    ),
    opt("tls", K::Boolean),
    opt("tlsAllowInvalidCertificates", K::Boolean),
    opt("tlsAllowInvalidHostnames", K::Boolean),
    opt("tlsCAFile", K::String),
    opt("tlsCRLFile", K::String),
    opt("tlsCertificateKeyFile", K::String),
    secret("tlsCertificateKeyFilePassword", K::Any),
    opt("tlsInsecure", K::Boolean),
    opt("w", K::String),
    opt("waitQueueTimeoutMS", K::UInt),
    opt("writeConcern", K::WriteConcern),
    deprecated("wtimeout", K::UInt, "Please use wtimeoutMS instead"),
    opt("wtimeoutMS", K::UInt),
    opt("zlibCompressionLevel", K::Int),
    opt("mongodbLogPath", K::LogPath),
    opt("mongodbLogComponentSeverities", K::ObjectOnly),
    opt("mongodbLogMaxDocumentLength", K::UInt),
    opt("connectionType", K::Any),
    opt("srvPoller", K::Any),
    opt("allowPartialTrustChain", K::Any),
    opt("minDHSize", K::Any),
    opt("pskCallback", K::Any),
    opt("secureContext", K::Any),
    opt("enableTrace", K::Any),
    opt("requestCert", K::Any),
    opt("rejectUnauthorized", K::Any),
    opt("checkServerIdentity", K::Any),
    opt("keepAliveInitialDelay", K::Any),
    opt("ALPNProtocols", K::Any),
    opt("SNICallback", K::Any),
    opt("session", K::Any),
    opt("requestOCSP", K::Any),
    opt("localAddress", K::Any),
    opt("localPort", K::Any),
    opt("hints", K::Any),
    opt("lookup", K::Any),
    opt("ca", K::Any),
    opt("cert", K::Any),
    opt("ciphers", K::Any),
    opt("crl", K::Any),
    opt("ecdhCurve", K::Any),
    secret("key", K::Any),
    secret("passphrase", K::Any),
    secret("pfx", K::Any),
    opt("secureProtocol", K::Any),
    opt("index", K::Any),
    deprecated(
        "useNewUrlParser",
        K::Boolean,
        "useNewUrlParser has no effect since Node.js Driver version 4.0.0 and will be removed in the next major version",
    ),
    deprecated(
        "useUnifiedTopology",
        K::Boolean,
        "useUnifiedTopology has no effect since Node.js Driver version 4.0.0 and will be removed in the next major version",
    ),
    opt("__skipPingOnConnect", K::Boolean),
];

/// Whether an `authMechanismProperties` entry holds a secret (AWS_SESSION_TOKEN and the like):
/// reported as `***`. TOKEN_RESOURCE (OIDC) names the audience of a token, not a token.
pub fn is_secret_property(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper != "TOKEN_RESOURCE"
        && ["TOKEN", "SECRET", "PASSWORD"]
            .iter()
            .any(|w| upper.contains(w))
}

/// Looks an option up by name, case-insensitively (ASCII case, as the driver's table is).
pub fn lookup(name: &str) -> Option<&'static UriOption> {
    position(name).map(|i| &OPTIONS[i])
}

/// The position in [`OPTIONS`] of the option named `name` in any ASCII case.
pub(crate) fn position(name: &str) -> Option<usize> {
    let name = name.as_bytes();
    let key = NameKey::of(name)?;
    let mut slot = key.slot();
    // Linear probing: the table is less than half full, so a probe ends within a few slots.
    loop {
        let i = usize::from(SLOTS[slot].checked_sub(1)?);
        let candidate = &KEYS[i];
        if candidate.ends == key.ends && candidate.len == key.len && candidate.middle_is(name) {
            return Some(i);
        }
        slot = (slot + 1) % SLOT_COUNT;
    }
}

/// Room for the longest name of the table.
const LONGEST: usize = 32;

/// A name of at most [`LONGEST`] bytes with its ASCII letters lowercased, read as 64-bit words,
/// so that two names are compared in a few word comparisons rather than byte by byte: the first
/// and the last eight bytes (which overlap in a name shorter than 16 bytes, and are the name
/// itself, packed, in one shorter than 8), and the words between them in a name longer than 16.
/// Two names of the same length have the same words exactly when they are equal ignoring ASCII
/// case, as the words cover every byte.
#[derive(Clone, Copy)]
struct NameKey {
    len: usize,
    ends: [u64; 2],
    /// The words from bytes 8 and 16 (0 where the name has none); only the table's keys hold
    /// them, a name looked up is read there only if its ends match.
    middle: [u64; 2],
}

impl NameKey {
    /// The key of `name` without its middle words; `None` for an empty name or one longer than
    /// any option's.
    #[inline(always)]
    const fn of(name: &[u8]) -> Option<NameKey> {
        let len = name.len();
        if len == 0 || len > LONGEST {
            return None;
        }
        let ends = if len >= 8 {
            [word_at(name, 0), word_at(name, len - 8)]
        } else if len >= 4 {
            let packed = half_word_at(name, 0) | half_word_at(name, len - 4) << 32;
            [packed, packed]
        } else {
            let packed =
                name[0] as u64 | (name[len / 2] as u64) << 8 | (name[len - 1] as u64) << 16;
            [packed, packed]
        };
        Some(NameKey {
            len,
            ends: [
                words::ascii_lowercase(ends[0]),
                words::ascii_lowercase(ends[1]),
            ],
            middle: [0; 2],
        })
    }

    /// The full key of a name of the table.
    const fn of_option(name: &[u8]) -> NameKey {
        let Some(mut key) = NameKey::of(name) else {
            panic!("an option without a name, or longer than LONGEST")
        };
        let mut w = 0;
        while w < 2 {
            if name.len() > 8 * (w + 2) {
                key.middle[w] = words::ascii_lowercase(word_at(name, 8 * (w + 1)));
            }
            w += 1;
        }
        key
    }

    /// Whether the words between the ends of `name`, a name of this key's length, are this
    /// key's.
    #[inline(always)]
    fn middle_is(&self, name: &[u8]) -> bool {
        let mut w = 0;
        while name.len() > 8 * (w + 2) {
            if words::ascii_lowercase(word_at(name, 8 * (w + 1))) != self.middle[w] {
                return false;
            }
            w += 1;
        }
        true
    }

    /// Where the name starts its probe in [`SLOTS`]: a hash of its length and its ends.
    #[inline(always)]
    const fn slot(&self) -> usize {
        let mixed = (self.ends[0] ^ self.ends[1].rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 56) as usize % SLOT_COUNT
    }
}

/// The eight bytes of `name` from `at`, little-endian (`at + 8` is within `name`).
#[inline(always)]
const fn word_at(name: &[u8], at: usize) -> u64 {
    match name.split_at(at).1.first_chunk::<8>() {
        Some(eight) => u64::from_le_bytes(*eight),
        None => panic!("a word past the end of the name"),
    }
}

/// The four bytes of `name` from `at`, little-endian (`at + 4` is within `name`).
#[inline(always)]
const fn half_word_at(name: &[u8], at: usize) -> u64 {
    match name.split_at(at).1.first_chunk::<4>() {
        Some(four) => u32::from_le_bytes(*four) as u64,
        None => panic!("a half word past the end of the name"),
    }
}

/// The names lowercased, built when compiling (each padded with zeros), for [`RANK`].
static LOWER: [[u8; LONGEST]; OPTIONS.len()] = {
    let mut lower = [[0u8; LONGEST]; OPTIONS.len()];
    let mut i = 0;
    while i < OPTIONS.len() {
        let name = OPTIONS[i].name.as_bytes();
        assert!(name.len() <= LONGEST, "an option name longer than LONGEST");
        let mut j = 0;
        while j < name.len() {
            lower[i][j] = name[j].to_ascii_lowercase();
            j += 1;
        }
        i += 1;
    }
    lower
};

/// [`NameKey`] of every name of the table, built when compiling.
static KEYS: [NameKey; OPTIONS.len()] = {
    let mut keys = [NameKey {
        len: 0,
        ends: [0; 2],
        middle: [0; 2],
    }; OPTIONS.len()];
    let mut i = 0;
    while i < OPTIONS.len() {
        keys[i] = NameKey::of_option(OPTIONS[i].name.as_bytes());
        i += 1;
    }
    keys
};

/// Slots of the hash index: a power of two above twice the table's 112 names.
const SLOT_COUNT: usize = 256;

/// A hash index over the names, ASCII case ignored, built when compiling: the position + 1 of
/// the name in each slot, 0 for an empty slot. A lookup hashes the name's key and compares one
/// or two candidates, where a binary search through the sorted names made a dozen comparisons.
static SLOTS: [u8; SLOT_COUNT] = {
    let mut slots = [0u8; SLOT_COUNT];
    let mut i = 0;
    while i < OPTIONS.len() {
        let mut slot = KEYS[i].slot();
        while slots[slot] != 0 {
            slot = (slot + 1) % SLOT_COUNT;
        }
        slots[slot] = (i + 1) as u8;
        i += 1;
    }
    slots
};

/// The place of the option's lowercased name among all of them in string order: options listed
/// by rank are listed by name (see [`crate::OptionMap`]).
pub(crate) fn name_rank(i: usize) -> u8 {
    RANK[i]
}

/// [`name_rank`] of every option, worked out when compiling: the number of names that sort
/// before it. `LOWER`'s zero padding sorts a name before any longer name it starts, as strings
/// sort.
static RANK: [u8; OPTIONS.len()] = {
    let mut rank = [0u8; OPTIONS.len()];
    let mut i = 0;
    while i < OPTIONS.len() {
        let mut j = 0;
        while j < OPTIONS.len() {
            if padded_less(&LOWER[j], &LOWER[i]) {
                rank[i] += 1;
            }
            j += 1;
        }
        i += 1;
    }
    rank
};

/// Whether `a` sorts before `b`, byte by byte.
const fn padded_less(a: &[u8; LONGEST], b: &[u8; LONGEST]) -> bool {
    let mut k = 0;
    while k < LONGEST {
        if a[k] != b[k] {
            return a[k] < b[k];
        }
        k += 1;
    }
    false
}

/// The option's name lowercased (`replicaset`), the key the driver's option map uses.
pub(crate) fn lowercase_name(i: usize) -> &'static str {
    LOWERCASE_NAMES[i]
}

/// The table's names lowercased, by position: [`LOWER`]'s names without their padding, worked
/// out when compiling.
static LOWERCASE_NAMES: [&str; OPTIONS.len()] = {
    let mut names = [""; OPTIONS.len()];
    let mut i = 0;
    while i < OPTIONS.len() {
        let (name, _) = LOWER[i].split_at(OPTIONS[i].name.len());
        names[i] = match std::str::from_utf8(name) {
            Ok(name) => name,
            Err(_) => panic!("an option name that is not ASCII"),
        };
        i += 1;
    }
    names
};

/// The position in [`OPTIONS`] of the option spelt exactly `name` (`at!("tls")`), worked out
/// when compiling: a name not in the table fails the build.
macro_rules! at {
    ($name:literal) => {
        const { $crate::options::index_of_name($name) }
    };
}
pub(crate) use at;

/// The position in [`OPTIONS`] of the option spelt exactly `name`, for [`at!`]; panics for a
/// name not in the table.
pub(crate) const fn index_of_name(name: &str) -> usize {
    let wanted = name.as_bytes();
    let mut i = 0;
    while i < OPTIONS.len() {
        let have = OPTIONS[i].name.as_bytes();
        if have.len() == wanted.len() {
            let mut j = 0;
            while j < have.len() && have[j] == wanted[j] {
                j += 1;
            }
            if j == have.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not an option of the table")
}

/// The position of `o` in [`OPTIONS`], the order the driver applies options in.
/// (`OPTIONS.len()` for an option not in the table.)
pub fn index_of(o: &UriOption) -> usize {
    position(o.name)
        .filter(|&i| OPTIONS[i] == *o)
        .unwrap_or(OPTIONS.len())
}

/// The closest known option name, for "did you mean" (`replSet` -> `replicaSet`).
pub fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let shared = SharedLetters::of(&lower);
    // The lowercased names of the table; a tie goes to the later option of the table.
    LOWERCASE_NAMES
        .iter()
        .enumerate()
        .filter(|(_, option)| shared.may_reach_suggestion(option))
        .map(|(i, option)| (i, jaro_winkler(&lower, option)))
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .map(|(i, _)| OPTIONS[i].name)
}

/// `strsim::jaro_winkler`, the same arithmetic in the same order; for ASCII names of at most 64
/// bytes (every option name, most misspellings) without its allocation and char decoding.
fn jaro_winkler(a: &str, b: &str) -> f64 {
    const MAX: usize = 64;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || a.len() > MAX || b.len() > MAX {
        let text = |bytes| std::str::from_utf8(bytes).unwrap_or_default();
        return strsim::jaro_winkler(text(a), text(b));
    }
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    } else if la == 0 || lb == 0 {
        return 0.0;
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = ([false; MAX], [false; MAX]);
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let (low, high) = (i.saturating_sub(range), lb.min(i + range + 1));
        for j in low..high {
            if x == b[j] && !b_flags[j] {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut b_matched = (0..lb).filter(|&j| b_flags[j]).map(|j| b[j]);
    for (i, &x) in a.iter().enumerate() {
        if a_flags[i] && b_matched.next() != Some(x) {
            transpositions += 1;
        }
    }
    transpositions /= 2;
    let m = matches as f64;
    let sim = ((m / la as f64) + (m / lb as f64) + ((matches - transpositions) as f64 / m)) / 3.0;
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// The letters of a name, to rule out before scoring the option names that share too few of them
/// to score 0.8: Jaro-Winkler only scores at least 0.8 when the Jaro similarity is above 0.7,
/// and Jaro pairs equal characters at most once each, so with `m` characters in common it is at
/// most (m/|a| + m/|b| + 1) / 3.
struct SharedLetters {
    ascii: [u16; 128],
    chars: usize,
}

impl SharedLetters {
    fn of(name: &str) -> Self {
        let mut ascii = [0u16; 128];
        let mut chars = 0;
        for c in name.chars() {
            chars += 1;
            if c.is_ascii() {
                ascii[c as usize] = ascii[c as usize].saturating_add(1);
            }
        }
        SharedLetters { ascii, chars }
    }

    /// Whether `option` (an ASCII name) may score 0.8 or more against the name.
    fn may_reach_suggestion(&self, option: &str) -> bool {
        let mut left = self.ascii;
        let mut common = 0usize;
        for b in option.bytes() {
            if let Some(n) = left.get_mut(usize::from(b)).filter(|n| **n > 0) {
                *n -= 1;
                common += 1;
            }
        }
        if common == 0 || self.chars == 0 {
            return false;
        }
        let m = common as f64;
        let jaro_bound = (m / self.chars as f64 + m / option.len() as f64 + 1.0) / 3.0;
        jaro_bound >= 0.7 - 1e-9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_the_drivers_112_options_once_each() {
        assert_eq!(OPTIONS.len(), 112);
        let mut names: Vec<String> = OPTIONS.iter().map(|o| o.name.to_lowercase()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 112);
    }

    #[test]
    fn names_find_their_positions() {
        for (i, o) in OPTIONS.iter().enumerate() {
            assert_eq!(index_of_name(o.name), i);
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("REPLICASET").map(|o| o.name), Some("replicaSet"));
        assert!(lookup("replSet").is_none());
        assert!(lookup("").is_none());
        // ASCII case only: the Kelvin sign is not a `k`.
        assert!(lookup("\u{212a}ey").is_none());
    }

    #[test]
    fn lookup_agrees_with_a_scan_of_the_table() {
        let scan = |name: &str| {
            OPTIONS
                .iter()
                .position(|o| o.name.eq_ignore_ascii_case(name))
        };
        for o in OPTIONS {
            let n = o.name;
            for name in [
                n.to_string(),
                n.to_ascii_lowercase(),
                n.to_ascii_uppercase(),
                format!("{n}x"),
                format!("_{n}"),
                n[..n.len() - 1].to_string(),
                n[1..].to_string(),
            ] {
                assert_eq!(position(&name), scan(&name), "{name}");
                assert_eq!(lookup(&name).map(index_of), scan(&name), "{name}");
            }
        }
        let renamed = UriOption {
            secret: true,
            ..OPTIONS[3]
        };
        assert_eq!(index_of(&renamed), OPTIONS.len());
    }

    /// Every name with any one byte replaced by any other value (near misses in every place of
    /// every word, bytes a case flip would confuse such as `@` and `` ` ``, non-ASCII bytes)
    /// is found exactly where a scan of the table finds it.
    #[test]
    fn lookup_agrees_with_a_scan_for_every_one_byte_change() {
        let scan = |name: &[u8]| {
            OPTIONS
                .iter()
                .position(|o| o.name.as_bytes().eq_ignore_ascii_case(name))
        };
        for o in OPTIONS {
            let mut name = o.name.as_bytes().to_vec();
            for at in 0..name.len() {
                let kept = name[at];
                for b in 0..=255u8 {
                    name[at] = b;
                    // A byte that is not ASCII is looked up with its neighbours as a `str`.
                    let Ok(text) = std::str::from_utf8(&name) else {
                        continue;
                    };
                    assert_eq!(position(text), scan(&name), "{text:?}");
                }
                name[at] = kept;
            }
        }
    }

    #[test]
    fn suggestions_are_the_closest_name_of_the_table_order() {
        let reference = |name: &str| {
            let lower = name.to_lowercase();
            OPTIONS
                .iter()
                .map(|o| (o.name, strsim::jaro_winkler(&lower, &o.name.to_lowercase())))
                .filter(|(_, score)| *score >= 0.8)
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(n, _)| n)
        };
        for o in OPTIONS {
            for name in [
                o.name.to_string(),
                format!("{}s", o.name),
                o.name[1..].to_string(),
            ] {
                assert_eq!(suggest(&name), reference(&name), "{name}");
            }
        }
        let mut names: Vec<String> = [
            "w",
            "j",
            "ssl",
            "tsl",
            "replSet",
            "wtimeout",
            "x",
            "",
            "é",
            "RÉPLICASET",
            "tlsCAfil",
        ]
        .map(String::from)
        .to_vec();
        // The option names written in the corpus, misspelt ones among them.
        for url in crate::tests::agreement_corpus().iter().take(3000) {
            let query = url.split_once('?').map_or("", |(_, q)| q);
            names.extend(
                query
                    .split('&')
                    .map(|p| p.split('=').next().unwrap_or("").to_string()),
            );
        }
        for name in &names {
            assert_eq!(suggest(name), reference(name), "{name}");
        }
    }

    #[test]
    fn jaro_winkler_is_strsims() {
        let mut names: Vec<String> = OPTIONS
            .iter()
            .map(|o| o.name.to_ascii_lowercase())
            .collect();
        names.extend(
            [
                "",
                "a",
                "é",
                "replset",
                "tlscafil",
                "wtimeoutms2",
                "aaaaaaaa",
            ]
            .map(String::from),
        );
        for a in &names {
            for b in &names {
                let (ours, theirs) = (jaro_winkler(a, b), strsim::jaro_winkler(a, b));
                assert_eq!(ours.to_bits(), theirs.to_bits(), "{a} {b}");
            }
        }
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(suggest("replSet"), Some("replicaSet"));
        assert_eq!(suggest("readPreferance"), Some("readPreference"));
        assert_eq!(suggest("authsorce"), Some("authSource"));
        assert_eq!(suggest("zzzzzz"), None);
    }
}
