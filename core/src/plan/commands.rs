//! The shell commands a plan's actions become. The default drives systemd and the configured
//! proxy (nginx, Apache or HAProxy); a user can load another set (docker, pm2 ...) from TOML,
//! YAML or JSON so the same plan drives other supervisors.
//!
//! Templates name their arguments in braces: `{unit}`, `{config}`, `{backend}`, `{server}`,
//! `{upstream}`, `{socket}`, `{script}`. Every value is shell-quoted when substituted, so no value
//! from a topology file can break out of its argument.

use crate::model::ProxyKind;
use crate::paths;
use serde::{Deserialize, Serialize};

/// How one proxy kind is validated, reloaded and has a backend server added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyCommands {
    /// Checks the installed configuration (`nginx -t`, ...).
    pub validate: String,
    /// Loads it: `{config}`, `{socket}`.
    pub reload: String,
    /// Put a server back (or in) the backend of the installed configuration.
    pub add: String,
    /// Take a server out (nginx: mark it `down`, which keeps `ip_hash` stable; HAProxy: runtime
    /// `state maint`, then `disabled` in the file so the reload keeps it out; Apache: disabled
    /// through the balancer-manager and `status=+D` in the file).
    pub remove: String,
}

/// The commands of every action kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommandSet {
    /// Makes the supervisor read changed unit files.
    pub daemon_reload: String,
    /// Enables `{unit}` at boot.
    pub enable_unit: String,
    /// Disables `{unit}` at boot.
    pub disable_unit: String,
    /// Starts `{unit}`.
    pub start_unit: String,
    /// Stops `{unit}`.
    pub stop_unit: String,
    /// `{script}` is the JavaScript that initiates the replica set once; it connects by itself
    /// (mongosh `--nodb`).
    pub mongo_initiate: String,
    /// Runs `{script}` against `{host}` (a member, or `<set>/<seeds>` for the primary). With
    /// authorization on, add credentials, e.g. `mongosh --quiet --host {host} -u admin -p
    /// "$MONGO_ADMIN_PASSWORD" --authenticationDatabase admin --eval {script}`.
    pub mongo_eval: String,
    /// Installs the MongoDB server package of release series `{version}` (`7.0`); the default
    /// helper uses MongoDB's Debian/Ubuntu repository of that series.
    pub mongo_install: String,
    /// Fetches, verifies, unpacks and installs a release: `{version}`, `{url}`, `{checksum}`
    /// (empty when none), `{dir}`, `{node}`, `{owner}`.
    pub stage_release: String,
    /// Points one instance at a staged release: `{unit}`, `{dir}` (its bundle), `{node}`.
    pub use_release: String,
    /// Keeps the `{keep}` most recent releases in `{dir}`, never those in `{protect}`.
    pub prune_releases: String,
    /// Dumps the database whose MONGO_URL `{env_file}` holds into `{archive}`.
    pub backup: String,
    /// Restores `{archive}` into the database whose MONGO_URL `{env_file}` holds.
    pub restore: String,
    /// nginx's commands.
    pub nginx: ProxyCommands,
    /// Apache's commands.
    pub apache: ProxyCommands,
    /// HAProxy's commands.
    pub haproxy: ProxyCommands,
    /// HAProxy's admin socket (runtime API), for `{socket}`.
    pub haproxy_socket: String,
}

impl Default for CommandSet {
    fn default() -> Self {
        CommandSet {
            daemon_reload: "systemctl daemon-reload".into(),
            enable_unit: "systemctl enable {unit}".into(),
            disable_unit: "systemctl disable {unit}".into(),
            start_unit: "systemctl start {unit}".into(),
            stop_unit: "systemctl stop {unit}".into(),
            mongo_initiate: "mongosh --quiet --nodb --eval {script}".into(),
            mongo_eval: "mongosh --quiet --host {host} --eval {script}".into(),
            mongo_install: "rct_mongo_package {version}".into(),
            stage_release: "rct_stage_release {version} {url} {checksum} {dir} {node} {owner}"
                .into(),
            use_release: "rct_use_release {unit} {dir} {node}".into(),
            prune_releases: "rct_prune_releases {dir} {keep} {protect}".into(),
            backup: "rct_backup {env_file} {archive}".into(),
            restore: "rct_restore {env_file} {archive}".into(),
            nginx: ProxyCommands {
                validate: "nginx -t".into(),
                reload: "systemctl reload nginx".into(),
                add: "rct_nginx_up {config} {backend} {upstream}".into(),
                remove: "rct_nginx_down {config} {upstream}".into(),
            },
            apache: ProxyCommands {
                // Debian's apache2 serves a site only once its modules and the site are enabled;
                // both commands do nothing when already done.
                validate: format!(
                    "a2enmod -q {} && a2ensite -q rocketchat && apachectl -t",
                    crate::render::APACHE_MODULES.join(" ")
                ),
                // Skips the reload when only member states changed (balancer-manager).
                reload: "rct_apache_reload {config}".into(),
                add: "rct_apache_up {config} {backend} {upstream} {server}".into(),
                remove: "rct_apache_down {config} {backend} {upstream}".into(),
            },
            haproxy: ProxyCommands {
                validate: format!("haproxy -c -f {}", paths::HAPROXY_CFG),
                // Skips the reload when only server states changed (runtime API).
                reload: "rct_haproxy_reload {config} {socket}".into(),
                add: "rct_haproxy_up {config} {backend} {server} {upstream} {socket}".into(),
                remove: "rct_haproxy_down {config} {backend} {server} {socket}".into(),
            },
            haproxy_socket: paths::HAPROXY_SOCKET.into(),
        }
    }
}

impl CommandSet {
    /// The commands of proxy `kind`.
    pub fn proxy(&self, kind: ProxyKind) -> &ProxyCommands {
        match kind {
            ProxyKind::Nginx => &self.nginx,
            ProxyKind::Apache => &self.apache,
            ProxyKind::Haproxy => &self.haproxy,
        }
    }
}

/// Quotes `s` as one shell word: bare when it holds only safe characters, else single-quoted.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Fills `{name}` placeholders of `template` with shell-quoted values, in one left-to-right pass
/// (a value holding `{upstream}` is never filled again). Unknown placeholders stay as written (a
/// command set may use shell braces of its own).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, v)) => {
                out.push_str(&shell_quote(v));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_as_one_word() {
        assert_eq!(
            shell_quote("rocketchat@3000.service"),
            "rocketchat@3000.service"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("x'; rm -rf /"), r"'x'\''; rm -rf /'");
        assert_eq!(
            fill("systemctl stop {unit}", &[("unit", "$(reboot)")]),
            "systemctl stop '$(reboot)'"
        );
    }

    #[test]
    fn a_value_holding_a_placeholder_is_not_filled_again() {
        let filled = fill(
            "add {server} {upstream}",
            &[("server", "x{upstream}'y"), ("upstream", "10.0.0.1:3000")],
        );
        assert_eq!(filled, r"add 'x{upstream}'\''y' 10.0.0.1:3000");
        assert_eq!(fill("a {b} {c", &[("c", "1")]), "a {b} {c");
        assert_eq!(fill("{{unit}}", &[("unit", "u")]), "{u}");
    }

    #[test]
    fn command_sets_load_from_toml_with_defaults() {
        let set: CommandSet =
            toml::from_str("start_unit = \"pm2 start {unit}\"\nstop_unit = \"pm2 stop {unit}\"\n")
                .unwrap();
        assert_eq!(set.start_unit, "pm2 start {unit}");
        assert_eq!(set.daemon_reload, "systemctl daemon-reload");
        assert!(toml::from_str::<CommandSet>("start = \"x\"").is_err());
    }
}
