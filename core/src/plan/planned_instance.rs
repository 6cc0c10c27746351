//! One Rocket.Chat process as the planner moves it: where it runs, where its env file comes from,
//! how the proxy names it and how to know it is healthy. The same shape serves instances of
//! either layout and temporary surge instances.

use super::action::{EnvOverride, FileSource, Side};
use super::budget::SurgeSlot;
use super::policy::Policy;
use crate::layout::{Instance, Layout};
use crate::paths;
use std::sync::Arc;

/// A Rocket.Chat instance the planner starts, stops and routes (a replica set member is
/// something else: see `mongo_upgrade`). A plan builds one or two per instance and side, so its
/// strings are written by hand rather than through `format!`. They are `Arc<str>`: every step
/// about the instance (write its env file, start, wait, join, ...) shares them, and a clone of
/// the instance only counts references.
#[derive(Debug, Clone)]
pub(crate) struct PlannedInstance {
    pub id: Arc<str>,
    pub host: Arc<str>,
    pub port: u16,
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
    /// Whether starting it also enables it (new instances; restarted ones already are).
    pub enable_on_start: bool,
}

/// The strings of an instance that follow from its host and port alone, so from its id
/// (`host:port`): the same on either side of a plan, made once per id (see `Ctx::planned`).
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
    /// The names of `i`, written in `scratch` (see [`shared`]).
    pub(crate) fn of(i: &Instance, scratch: &mut String) -> Names {
        let (host, port) = (i.host.as_str(), i.port);
        Names {
            id: i.id.as_str().into(),
            host: host.into(),
            unit: shared(scratch, |s| paths::push_instance_unit(s, port)),
            server: shared(scratch, |s| paths::push_backend_server(s, host, port)),
            env_path: shared(scratch, |s| paths::push_env_file(s, port)),
            rendered: shared(scratch, |s| push_rendered_env_file(s, host, port)),
        }
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
        Reach {
            health_url: shared(scratch, |s| push_health_url(s, &upstream, health_path)),
            upstream,
        }
    }

    /// Whether this is `i`'s upstream, written in `scratch` to compare.
    pub(crate) fn is_of(&self, i: &Instance, scratch: &mut String) -> bool {
        scratch.clear();
        paths::push_host_port(scratch, &i.upstream_host, i.port);
        *self.upstream == **scratch
    }
}

impl PlannedInstance {
    /// Instance `i` of the layout of `side`, which runs `version`, named by `names` (its
    /// [`Names`]) and reached at `reach` (its [`Reach`] on that side).
    pub(crate) fn of(
        names: Names,
        reach: Reach,
        version: &Arc<str>,
        side: Side,
        i: &Instance,
    ) -> PlannedInstance {
        PlannedInstance {
            id: names.id,
            host: names.host,
            port: i.port,
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
        let names = Names::of(template, scratch);
        let reach = Reach::of(template, health_path, scratch);
        let mut m = PlannedInstance::of(names, reach, version, Side::Desired, template);
        let upstream = paths::host_port(&slot.template.upstream_host, slot.port);
        m.id = slot.id().into();
        m.port = slot.port;
        m.unit = paths::instance_unit(slot.port).into();
        m.server = paths::backend_server(&slot.host, slot.port).into();
        m.env_path = paths::env_file(slot.port).into();
        m.health_url = shared(scratch, |s| push_health_url(s, &upstream, health_path));
        m.upstream = upstream.into();
        m.env.overrides = vec![
            EnvOverride {
                name: "PORT".into(),
                value: slot.port.to_string(),
            },
            EnvOverride {
                name: "TCP_PORT".into(),
                value: slot.tcp_port.to_string(),
            },
        ];
        m.enabled = false;
        m
    }

    /// The same member, enabled when it starts.
    pub(crate) fn fresh(mut self) -> PlannedInstance {
        self.enable_on_start = self.enabled;
        self
    }
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
