//! One Rocket.Chat process as the planner moves it: where it runs, where its env file comes from,
//! how the proxy names it and how to know it is healthy. The same shape serves instances of
//! either layout and temporary surge instances.

use super::action::{EnvOverride, FileSource, Side};
use super::budget::SurgeSlot;
use super::policy::Policy;
use crate::layout::{Instance, Layout};
use crate::paths;

/// A Rocket.Chat instance the planner starts, stops and routes (a replica set member is
/// something else: see `mongo_upgrade`).
#[derive(Debug, Clone)]
pub(crate) struct PlannedInstance {
    pub id: String,
    pub host: String,
    pub port: u16,
    pub unit: String,
    pub upstream: String,
    pub server: String,
    pub env: FileSource,
    pub health_url: String,
    /// `GET /api/info` of the instance: the release it reports.
    pub info_url: String,
    /// The Rocket.Chat release of its side's layout.
    pub version: String,
    /// Whether the unit is enabled at boot (surge instances are not).
    pub enabled: bool,
    /// Whether starting it also enables it (new instances; restarted ones already are).
    pub enable_on_start: bool,
}

impl PlannedInstance {
    pub(crate) fn of(
        layout: &Layout,
        side: Side,
        i: &Instance,
        policy: &Policy,
    ) -> PlannedInstance {
        PlannedInstance {
            id: i.id.clone(),
            host: i.host.clone(),
            port: i.port,
            unit: paths::instance_unit(i.port),
            upstream: i.upstream(),
            server: paths::backend_server(&i.host, i.port),
            env: FileSource {
                side,
                rendered: paths::rendered_relative(&i.host, &paths::env_file(i.port)),
                overrides: Vec::new(),
            },
            health_url: format!("http://{}{}", i.upstream(), health_path(layout, policy)),
            info_url: format!("http://{}/api/info", i.upstream()),
            version: layout.topology.rocketchat.version.clone(),
            enabled: true,
            enable_on_start: false,
        }
    }

    pub(crate) fn surge(layout: &Layout, slot: &SurgeSlot, policy: &Policy) -> PlannedInstance {
        let mut m = PlannedInstance::of(layout, Side::Desired, slot.template, policy);
        let upstream = paths::host_port(&slot.template.upstream_host, slot.port);
        m.id = slot.id();
        m.port = slot.port;
        m.unit = paths::instance_unit(slot.port);
        m.server = paths::backend_server(&slot.host, slot.port);
        m.health_url = format!("http://{upstream}{}", health_path(layout, policy));
        m.info_url = format!("http://{upstream}/api/info");
        m.upstream = upstream;
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

    pub(crate) fn env_path(&self) -> String {
        paths::env_file(self.port)
    }
}

/// The policy's health path, or the one the layout's Rocket.Chat version offers.
pub(crate) fn health_path(layout: &Layout, policy: &Policy) -> String {
    match &policy.health.path {
        Some(p) => p.clone(),
        None => layout
            .rocketchat_version()
            .map(crate::version::health_path)
            .unwrap_or("/api/info")
            .to_string(),
    }
}
