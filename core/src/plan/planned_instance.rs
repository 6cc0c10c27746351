//! One Rocket.Chat process as the planner moves it: where it runs, where its env file comes from,
//! how the proxy names it and how to know it is healthy. The same shape serves instances of
//! either layout and temporary surge instances.

use super::action::{EnvOverride, FileSource, Side};
use super::budget::SurgeSlot;
use super::policy::Policy;
use crate::layout::{Instance, Layout};
use crate::paths;
use std::rc::Rc;
use std::sync::Arc;

/// A Rocket.Chat instance the planner starts, stops and routes (a replica set member is
/// something else: see `mongo_upgrade`). A plan moves most instances several times (restart,
/// rollback, restore) and copies them between its lists of members, so what never changes is
/// shared behind one counted reference ([`Parts`], read through `Deref`): a copy counts one
/// reference instead of one per string, and the steps clone only the strings they hold.
#[derive(Debug, Clone)]
pub(crate) struct PlannedInstance {
    parts: Rc<Parts>,
    /// Whether starting it also enables it (new instances; restarted ones already are).
    pub enable_on_start: bool,
}

/// What a [`PlannedInstance`] is, on its side of the plan. A plan builds one per instance and
/// side (see `Ctx::planned`), so its strings are written by hand rather than through `format!`.
/// They are `Arc<str>`: every step about the instance (write its env file, start, wait, join,
/// ...) shares them.
#[derive(Debug)]
pub(crate) struct Parts {
    pub id: Arc<str>,
    pub host: Arc<str>,
    pub unit: Arc<str>,
    pub upstream: Arc<str>,
    pub server: Arc<str>,
    pub env: FileSource,
    /// Where its env file is installed (`/etc/rocketchat/<port>.env`).
    pub env_path: Arc<str>,
    pub health_url: Arc<str>,
    /// The Rocket.Chat release of its side's layout.
    pub version: Arc<str>,
    /// Whether the unit is enabled at boot (surge instances are not).
    pub enabled: bool,
}

impl std::ops::Deref for PlannedInstance {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.parts
    }
}

/// The strings of an instance that follow from its host and port alone, so from its id
/// (`host:port`): the same on either side of a plan, made once per instance and shared by its
/// two sides (see `Ctx::planned`).
#[derive(Debug, Clone)]
pub(crate) struct Names {
    pub id: Arc<str>,
    pub host: Arc<str>,
    pub unit: Arc<str>,
    pub server: Arc<str>,
    pub env_path: Arc<str>,
    /// Its env file in a render directory.
    pub rendered: Arc<str>,
}

impl Names {
    /// The names of `i`, written in `scratch` (see [`shared`]); those other instances have too
    /// come from `common`.
    pub(crate) fn of(i: &Instance, scratch: &mut String, common: &mut Common) -> Names {
        let (host, port) = (i.host.as_str(), i.port);
        let (unit, env_path) = common.of_port(port, scratch);
        Names {
            id: i.id.as_str().into(),
            host: common.host(host),
            unit,
            server: shared(scratch, |s| paths::push_backend_server(s, host, port)),
            env_path,
            rendered: shared(scratch, |s| push_rendered_env_file(s, host, port)),
        }
    }
}

/// The names many instances have in common, made once: their machine's, and a port's unit and
/// env file, the same on every machine. Written for each instance, they were half of the
/// allocations of planning an upgrade of 15,000 instances, each a line of memory of its own.
#[derive(Default)]
pub(crate) struct Common {
    /// The machine named last: instances are planned machine by machine.
    host: Option<Arc<str>>,
    /// Each port's unit and env file path, for the few ports a deployment uses.
    ports: Vec<(u16, Arc<str>, Arc<str>)>,
}

/// Ports whose names [`Common`] keeps: deployments run a few instances a machine, and a search
/// of this many is shorter than writing the names.
const COMMON_PORTS: usize = 32;

impl Common {
    fn host(&mut self, host: &str) -> Arc<str> {
        match &self.host {
            Some(last) if **last == *host => last.clone(),
            _ => self.host.insert(host.into()).clone(),
        }
    }

    /// The unit and env file path of `port`.
    fn of_port(&mut self, port: u16, scratch: &mut String) -> (Arc<str>, Arc<str>) {
        if let Some((_, unit, env_path)) = self.ports.iter().find(|(p, ..)| *p == port) {
            return (unit.clone(), env_path.clone());
        }
        let unit = shared(scratch, |s| paths::push_instance_unit(s, port));
        let env_path = shared(scratch, |s| paths::push_env_file(s, port));
        if self.ports.len() < COMMON_PORTS {
            self.ports.push((port, unit.clone(), env_path.clone()));
        }
        (unit, env_path)
    }
}

/// The text `write` appends to an empty `scratch`, as an `Arc<str>`. Written in a buffer the
/// caller reuses, the `Arc` is its only allocation: a `String` made into an `Arc<str>` is copied
/// into a second one.
fn shared(scratch: &mut String, write: impl FnOnce(&mut String)) -> Arc<str> {
    scratch.clear();
    write(scratch);
    Arc::from(scratch.as_str())
}

/// How the proxy and the health checks reach an instance of one side: its side's own (the
/// address may change), made once per instance and side (see `Ctx::planned`).
#[derive(Debug, Clone)]
pub(crate) struct Reach {
    /// `<upstream host>:<port>`.
    pub upstream: Arc<str>,
    pub health_url: Arc<str>,
}

impl Reach {
    /// Instance `i`'s, with its side's `health_path` ([`health_path`]'s answer for that
    /// layout), written in `scratch` (see [`shared`]).
    pub(crate) fn of(i: &Instance, health_path: &str, scratch: &mut String) -> Reach {
        let upstream = shared(scratch, |s| {
            paths::push_host_port(s, &i.upstream_host, i.port)
        });
        Reach::at(upstream, health_path, scratch)
    }

    /// An instance's at `upstream` (its own, or the same instance's on the other side when
    /// equal), with `health_path`.
    pub(crate) fn at(upstream: Arc<str>, health_path: &str, scratch: &mut String) -> Reach {
        Reach {
            health_url: shared(scratch, |s| push_health_url(s, &upstream, health_path)),
            upstream,
        }
    }
}

/// Whether `upstream` is `i`'s ([`paths::push_host_port`]'s text), compared part by part
/// rather than written out.
pub(crate) fn is_upstream_of(upstream: &str, i: &Instance) -> bool {
    let host = i.upstream_host.as_str();
    let rest = if host.contains(':') {
        upstream
            .strip_prefix('[')
            .and_then(|r| r.strip_prefix(host))
            .and_then(|r| r.strip_prefix(']'))
    } else {
        upstream.strip_prefix(host)
    };
    rest.and_then(|r| r.strip_prefix(':'))
        .is_some_and(|port| is_decimal_of(port, i.port))
}

impl PlannedInstance {
    /// The instance `parts` describe, started as it is.
    pub(crate) fn new(parts: Rc<Parts>) -> PlannedInstance {
        PlannedInstance {
            parts,
            enable_on_start: false,
        }
    }

    /// The surge instance of `slot`, running the desired release `version`.
    pub(crate) fn surge(
        version: &Arc<str>,
        slot: &SurgeSlot,
        health_path: &str,
    ) -> PlannedInstance {
        let (template, scratch) = (slot.template, &mut String::new());
        let names = Names::of(template, scratch, &mut Common::default());
        let upstream = paths::host_port(&template.upstream_host, slot.port);
        let health_url = shared(scratch, |s| push_health_url(s, &upstream, health_path));
        PlannedInstance::new(Rc::new(Parts {
            id: slot.id().into(),
            host: names.host,
            unit: paths::instance_unit(slot.port).into(),
            upstream: upstream.into(),
            server: paths::backend_server(&slot.host, slot.port).into(),
            env: FileSource {
                side: Side::Desired,
                rendered: names.rendered,
                overrides: vec![
                    EnvOverride {
                        name: "PORT".into(),
                        value: slot.port.to_string(),
                    },
                    EnvOverride {
                        name: "TCP_PORT".into(),
                        value: slot.tcp_port.to_string(),
                    },
                ],
            },
            env_path: paths::env_file(slot.port).into(),
            health_url,
            version: version.clone(),
            enabled: false,
        }))
    }

    /// The same member, enabled when it starts.
    pub(crate) fn fresh(mut self) -> PlannedInstance {
        self.enable_on_start = self.enabled;
        self
    }
}

impl Parts {
    /// Its [`Names`], shared.
    pub(crate) fn names(&self) -> Names {
        Names {
            id: self.id.clone(),
            host: self.host.clone(),
            unit: self.unit.clone(),
            server: self.server.clone(),
            env_path: self.env_path.clone(),
            rendered: self.env.rendered.clone(),
        }
    }

    /// Its [`Reach`], shared.
    pub(crate) fn reach(&self) -> Reach {
        Reach {
            upstream: self.upstream.clone(),
            health_url: self.health_url.clone(),
        }
    }

    /// An instance of the layout of `side`, which runs `version`, named by `names` (its
    /// [`Names`]) and reached at `reach` (its [`Reach`] on that side).
    pub(crate) fn of(names: Names, reach: Reach, version: &Arc<str>, side: Side) -> Parts {
        Parts {
            id: names.id,
            host: names.host,
            unit: names.unit,
            server: names.server,
            env: FileSource {
                side,
                rendered: names.rendered,
                overrides: Vec::new(),
            },
            env_path: names.env_path,
            health_url: reach.health_url,
            upstream: reach.upstream,
            version: version.clone(),
            enabled: true,
        }
    }
}

/// Whether `text` is `port` in decimal, as [`crate::decimal::push_decimal`] writes it (no
/// leading zero).
fn is_decimal_of(text: &str, port: u16) -> bool {
    let mut digits = itoa::Buffer::new();
    text == digits.format(port)
}

/// Appends `http://<upstream><health path>`.
fn push_health_url(url: &mut String, upstream: &str, health_path: &str) {
    url.push_str("http://");
    url.push_str(upstream);
    url.push_str(health_path);
}

/// Appends [`paths::rendered_relative`] of the env file of `port` on `host`.
fn push_rendered_env_file(rendered: &mut String, host: &str, port: u16) {
    let dir = paths::ENV_DIR.trim_start_matches('/');
    rendered.push_str(host);
    rendered.push('/');
    rendered.push_str(dir);
    rendered.push('/');
    crate::decimal::push_decimal(rendered, port.into());
    rendered.push_str(".env");
}

/// The policy's health path, or the one the layout's Rocket.Chat version offers.
pub(crate) fn health_path<'p>(layout: &Layout, policy: &'p Policy) -> &'p str {
    match &policy.health.path {
        Some(p) => p,
        None => layout
            .rocketchat_version()
            .map(crate::version::health_path)
            .unwrap_or("/api/info"),
    }
}
