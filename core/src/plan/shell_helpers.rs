//! The bash functions plan scripts call (`rct_install`, `rct_nginx_down`, ...). Each lives in its
//! own file, `shell/<name>.sh` (shellcheck reads them there; the tests run it), and is compiled
//! in. A script carries the helpers its lines call and, in turn, the helpers those call: both
//! are read from the text, so a new call needs no list kept by hand.

/// `(name, source)` of every helper, from `shell/<name>.sh`, in the order scripts define them.
macro_rules! helpers {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("shell/", $name, ".sh")))),*]
    };
}

const HELPERS: &[(&str, &str)] = helpers![
    "rct_re",
    "rct_install",
    "rct_fail",
    "rct_set_env",
    "rct_ready",
    "rct_wait_healthy",
    "rct_retry",
    "rct_stage_release",
    "rct_use_release",
    "rct_prune_releases",
    "rct_mongo_config",
    "rct_backup",
    "rct_restore",
    "rct_mongo_package",
    "rct_gate",
    "rct_nginx_down",
    "rct_nginx_up",
    "rct_apache_manager",
    "rct_apache_states",
    "rct_apache_file_states",
    "rct_apache_member",
    "rct_apache_down",
    "rct_apache_up",
    "rct_apache_reload",
    "rct_haproxy_down",
    "rct_haproxy_up",
    "rct_haproxy_worker",
    "rct_haproxy_reload",
    "rct_on",
    "rct_put",
    "rct_keyfile_new",
    "rct_keyfile_pull",
    "rct_keyfile_copy",
    "rct_on_env",
];

/// The source of helper `name` (its comment and function, without the file's last newline).
pub fn helper(name: &str) -> Option<&'static str> {
    HELPERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, source)| source.trim_end_matches('\n'))
}

/// The names of every helper, in the order scripts define them.
pub fn helper_names() -> impl Iterator<Item = &'static str> {
    HELPERS.iter().map(|(name, _)| *name)
}

/// The sources of the helpers `body` needs, in the order scripts define them: those it calls,
/// and those they call in turn.
pub(super) fn needed_by(body: &str) -> Vec<&'static str> {
    let mut needed: Vec<bool> = HELPERS.iter().map(|(name, _)| calls(body, name)).collect();
    // Each pass adds the helpers the needed ones call; the call chains are short.
    loop {
        let mut grew = false;
        for (i, (_, source)) in HELPERS.iter().enumerate() {
            if !needed[i] {
                continue;
            }
            for (j, (name, _)) in HELPERS.iter().enumerate() {
                if !needed[j] && i != j && calls(source, name) {
                    needed[j] = true;
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
    HELPERS
        .iter()
        .zip(needed)
        .filter(|(_, needed)| *needed)
        .map(|((_, source), _)| source.trim_end_matches('\n'))
        .collect()
}

/// Whether shell `text` names `name` as a word outside comment lines (a helper's comment may
/// mention others it does not call).
fn calls(text: &str, name: &str) -> bool {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(|line| line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .any(|word| word == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_bring_the_helpers_they_call() {
        let needed = needed_by("rct_backup /etc/rocketchat/3000.env /var/backups/rc.gz\n");
        assert_eq!(needed.len(), 2);
        assert!(needed[0].contains("rct_mongo_config() {"));
        assert!(needed[1].contains("rct_backup() {"));
        let nginx = needed_by("rct_on app1 'rct_nginx_down /etc/nginx/x 10.0.0.1:3000'");
        assert!(nginx.iter().any(|s| s.contains("rct_re() {")));
    }

    #[test]
    fn comments_are_not_calls() {
        assert!(needed_by("# rct_backup is not called here\necho rct_backups").is_empty());
        // rct_on_env's comment names rct_on; it does not call it.
        assert_eq!(needed_by("rct_on_env db1 'A' 'true'").len(), 1);
    }
}
