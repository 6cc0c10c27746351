//! A value that must never be printed: passwords, and strings that embed them. [`Secret`] is
//! defined by the MONGO_URL parser crate (a connection string's password is one) and is the same
//! type here; this module adds what the topology needs: hiding URL credentials in any text, and
//! telling which environment variables hold secrets.

pub use rocketchat_topology_mongo_url::{Secret, REDACTED};

/// Replaces the userinfo of every `scheme://userinfo@` in `text` with `***`, user included: a
/// token-only `token@` is a credential, and a password holding `:` would leave its head in the
/// "user". Used on any text that quotes a URL from the topology (messages, errors).
///
/// The userinfo runs to the last `@` before the next `://` (or the end of the text), so a
/// password holding `/`, `?`, `#`, quotes, whitespace or an unescaped `@` is hidden whole. When in
/// doubt this hides too much (a path or later text holding `@`), never too little.
pub fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (before, after) = rest.split_at(i + 3);
        out.push_str(before);
        let span_end = after.find("://").unwrap_or(after.len());
        rest = match after[..span_end].rfind('@') {
            Some(at) => {
                // The user goes too: a secret holding `:` would otherwise leave its head as
                // the "user" (`TOKEN:x@`).
                out.push_str(REDACTED);
                &after[at..]
            }
            None => after,
        };
    }
    out.push_str(rest);
    out
}

/// Whether `text` quotes a URL whose userinfo [`redact_url_passwords`] would hide.
pub fn has_url_secret(text: &str) -> bool {
    redact_url_passwords(text) != text
}

/// Whether an environment variable of this name holds a secret (a password, key, token or
/// credential; any URL, which may carry credentials). Shared by the layout (which makes such
/// values [`Secret`]s) and the model's `Debug` (which hides them).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if upper == "ROOT_URL" {
        return false;
    }
    let anywhere = [
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "KEY",
        "CRED",
        "PRIVATE",
        "SIGNATURE",
        "_URL",
        "_URI",
        "_DSN",
    ];
    // Short words only as whole `_`-separated words (or word endings: SMTPPASS, DB_PW), so that
    // PASSPORT_PORT or OAUTH settings stay plain.
    let word = |w: &str| {
        w.ends_with("PASS")
            || w.ends_with("PWD")
            || w.ends_with("PW")
            || matches!(w, "AUTH" | "PIN" | "SALT" | "OTP" | "DSN")
    };
    anywhere.iter().any(|w| upper.contains(w)) || upper.split('_').any(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_are_redacted() {
        assert_eq!(
            redact_url_passwords(
                "url `mongodb://rc:p@ss:w0rd@db1:27017,db2/rc?x=1` and http://a/b"
            ),
            "url `mongodb://***@db1:27017,db2/rc?x=1` and http://a/b"
        );
        // Token-only userinfo is a credential too (`nats://TOKEN@nats`).
        assert_eq!(
            redact_url_passwords("mongodb://user@db"),
            "mongodb://***@db"
        );
        assert_eq!(redact_url_passwords("no url"), "no url");
        assert_eq!(redact_url_passwords("a://"), "a://");
    }

    #[test]
    fn passwords_with_url_delimiters_are_hidden_whole() {
        let canary = "c4n4ry";
        for password in [
            "pa/ss",
            "it's",
            "a?b",
            "a#b",
            "q\"uote",
            "back`tick",
            "p@ss",
            "x:y",
            "hunter2 xyz",
            "tab\tnew\nline",
            "a/b?c#d@e'f",
        ] {
            for scheme in ["nats", "https", "mongodb", "mongodb+srv", "monolith+nats"] {
                let url = format!("{scheme}://user:{canary}{password}{canary}@host:1/db?x=1");
                for text in [
                    url.clone(),
                    format!("url `{url}` is wrong"),
                    format!("'{url}'"),
                    format!("\"{url}\" and http://other:{canary}@h2 done"),
                    format!("{url}\nnext line"),
                ] {
                    let redacted = redact_url_passwords(&text);
                    assert!(!redacted.contains(canary), "{text:?} -> {redacted:?}");
                    assert!(redacted.contains("://***@h"), "{redacted:?}");
                }
            }
        }
    }

    #[test]
    fn text_after_the_url_is_kept() {
        assert_eq!(
            redact_url_passwords("`nats://u:pa/ss@h:4222` then https://a:b'c@h2/p x"),
            "`nats://***@h:4222` then https://***@h2/p x"
        );
        assert_eq!(
            redact_url_passwords("see http://host/a and mongodb://h/x"),
            "see http://host/a and mongodb://h/x"
        );
    }

    #[test]
    fn token_only_userinfo_is_hidden() {
        let canary = "c4n4ry";
        for token in [
            canary.to_string(),
            format!("a b {canary}"),
            format!("{canary}/x"),
        ] {
            for text in [
                format!("nats://{token}@nats:4222"),
                format!("TRANSPORTER `monolith+nats://{token}@nats:4222` lacks it"),
                format!("https://{token}@h/p and then more"),
            ] {
                let redacted = redact_url_passwords(&text);
                assert!(!redacted.contains(canary), "{text:?} -> {redacted:?}");
                assert!(redacted.contains("://***@"), "{redacted:?}");
                assert!(has_url_secret(&text));
            }
        }
        assert!(!has_url_secret("monolith+nats://nats:4222"));
    }

    #[test]
    fn secret_names() {
        for name in [
            "ADMIN_PASS",
            "SMTP_PASS",
            "MAIL_PWD",
            "db_pwd",
            "DB_PW",
            "OVERWRITE_SETTING_SMTP_Pw",
            "LDAP_BIND_CRED",
            "AWS_CREDENTIALS",
            "AUTH",
            "BASIC_AUTH",
            "AUTH_TOKEN",
            "ADMIN_PASSWORD",
            "API_KEY",
            "APIKEY",
            "S3_SECRET",
            "TLS_PRIVATE",
            "PASSWORD_SALT",
            "SENTRY_DSN",
            "REDIS_URI",
            "WEBHOOK_SIGNATURE",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
        for name in [
            "ROOT_URL",
            "PORT",
            "TCP_PORT",
            "SMTP_PORT",
            "PASSPORT_PORT",
            "ADMIN_USERNAME",
            "ADMIN_EMAIL",
            "OVERWRITE_SETTING_Accounts_OAuth_Google",
            "DEPLOY_METHOD",
            "NODE_ENV",
            "HTTP_PROXY_PORT",
        ] {
            assert!(!is_secret_name(name), "{name} should be plain");
        }
    }
}
