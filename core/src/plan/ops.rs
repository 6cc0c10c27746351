//! Step sequences the planner composes: leave the proxy and drain, stop, start and wait, join the
//! proxy, install unit templates and proxy configurations. Forward steps and rollbacks use the
//! same sequences with the sides swapped.

use super::action::{Action, FileSource, Side};
use super::builder::{Op, Out};
use super::description::Description;
use super::id_hash::IdHash;
use super::planned_instance::{is_upstream_of, Common, Names, Parts, PlannedInstance, Reach};
use super::policy::Policy;
use crate::layout::{Instance, Layout};
use crate::model::ProxyKind;
use crate::paths;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// The release every instance of one side runs, made once per plan: the steps of all its
/// instances share these strings.
pub(crate) struct SideRelease {
    /// The Rocket.Chat release.
    pub version: Arc<str>,
    /// Its staged bundle directory (`<releases_dir>/<version>/bundle`).
    pub dir: Arc<str>,
    /// The Node.js binary that runs it.
    pub node: Arc<str>,
}

impl SideRelease {
    pub(crate) fn of(layout: &Layout) -> SideRelease {
        let rc = &layout.topology.rocketchat;
        SideRelease {
            version: rc.version.as_str().into(),
            dir: super::upgrade::bundle_dir(layout, &rc.version).into(),
            node: rc.node.as_str().into(),
        }
    }
}

/// What the sequences need to know about the deployment.
pub(crate) struct Ctx<'a> {
    pub current: Option<&'a Layout>,
    pub desired: &'a Layout,
    pub policy: &'a Policy,
    /// Proxy kind and the machine it runs on.
    pub proxy: Option<(ProxyKind, Arc<str>)>,
    /// Whether instances run staged releases (the release changes): each start selects its
    /// side's release and waits until the instance reports it.
    pub stages: bool,
    /// Whether the next start of a desired instance is the leader's, which starts alone and must
    /// be healthy before any other (it migrates or initialises the database).
    pub leader_pending: std::cell::Cell<bool>,
    /// The health path of each side's instances (current, desired), worked out once.
    pub health_paths: [&'a str; 2],
    /// The release of each side's instances (current, desired).
    pub releases: [SideRelease; 2],
    /// The [`Parts`] of every instance of each side's layout (current, desired) planned so far,
    /// by its position in the layout's `instances`: a plan moves most instances several times
    /// (restart, rollback, restore), and finding them again by position costs neither hashing
    /// nor comparing their ids.
    pub parts: RefCell<[Vec<Option<Rc<Parts>>>; 2]>,
    /// The position of each instance of each side's layout, by id, made when an instance's
    /// counterpart on the other side is not at its own position (see [`Ctx::counterpart`]).
    pub positions: [OnceCell<HashMap<&'a str, usize, IdHash>>; 2],
    /// The buffer planned instances' strings are written in before they are shared.
    pub scratch: RefCell<String>,
    /// The names planned instances have in common.
    pub common: RefCell<Common>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn layout(&self, side: Side) -> &'a Layout {
        match side {
            Side::Current => self.current.unwrap_or(self.desired),
            Side::Desired => self.desired,
        }
    }

    /// The layout of the side at `n` in the tables kept for each (current, desired).
    fn layout_at(&self, n: usize) -> &'a Layout {
        match n {
            0 => self.current.unwrap_or(self.desired),
            _ => self.desired,
        }
    }

    /// Instance `i` of `side`'s layout, as the planner moves it.
    pub(crate) fn planned(&self, side: Side, i: &Instance) -> PlannedInstance {
        let n = side_index(side);
        let Some(at) = position(self.layout_at(n), i) else {
            return PlannedInstance::new(Rc::new(self.parts_of(side, i, None)));
        };
        // The tables are sized to their layouts when the plan begins; read with `get` all the
        // same, so a table sized otherwise costs the sharing, never a panic.
        let cached = self.parts.borrow()[n].get(at).cloned();
        match cached {
            Some(Some(parts)) => return PlannedInstance::new(parts),
            None => return PlannedInstance::new(Rc::new(self.parts_of(side, i, None))),
            Some(None) => {}
        }
        let other = self
            .counterpart(n, i, at)
            .and_then(|k| self.parts.borrow()[1 - n].get(k).cloned().flatten());
        let parts = Rc::new(self.parts_of(side, i, other.as_deref()));
        if let Some(slot) = self.parts.borrow_mut()[n].get_mut(at) {
            *slot = Some(parts.clone());
        }
        PlannedInstance::new(parts)
    }

    /// The [`Parts`] of `i` on `side`. The strings that follow from its id come from `other`,
    /// the same instance on the other side when it was planned there, and so does its upstream
    /// when it is the same, and its health URL when both sides also share the health path: an
    /// instance the plan restarts in place keeps its address, so a rolling upgrade would
    /// otherwise write every instance's strings twice.
    fn parts_of(&self, side: Side, i: &Instance, other: Option<&Parts>) -> Parts {
        let scratch = &mut self.scratch.borrow_mut();
        let names = other.map_or_else(
            || Names::of(i, scratch, &mut self.common.borrow_mut()),
            Parts::names,
        );
        // An upgrade may change the health path (7.11 serves `/readyz`), rarely the address.
        let health_path = self.health_path(side);
        let reach = match other.filter(|o| is_upstream_of(&o.upstream, i)) {
            Some(o) if self.health_paths[0] == self.health_paths[1] => o.reach(),
            Some(o) => Reach::at(o.upstream.clone(), health_path, scratch),
            None => Reach::of(i, health_path, scratch),
        };
        Parts::of(names, reach, &self.release(side).version, side)
    }

    /// The position, in the other side's layout, of the instance with `i`'s id (`i` is at `at`
    /// on the side at `n`). Both layouts list their hosts and instances in the topology's
    /// order, so it is usually at the same position; elsewhere, the other side's positions by
    /// id find it.
    fn counterpart(&self, n: usize, i: &Instance, at: usize) -> Option<usize> {
        let others = &self.layout_at(1 - n).instances;
        if others.get(at).is_some_and(|o| o.id == i.id) {
            return Some(at);
        }
        let positions = self.positions[1 - n].get_or_init(|| {
            let mut by_id = HashMap::with_capacity_and_hasher(others.len(), IdHash::default());
            by_id.extend(others.iter().enumerate().map(|(k, o)| (o.id.as_str(), k)));
            by_id
        });
        positions.get(i.id.as_str()).copied()
    }

    pub(crate) fn release(&self, side: Side) -> &SideRelease {
        match side {
            Side::Current => &self.releases[0],
            Side::Desired => &self.releases[1],
        }
    }

    pub(crate) fn health_path(&self, side: Side) -> &'a str {
        match side {
            Side::Current => self.health_paths[0],
            Side::Desired => self.health_paths[1],
        }
    }

    /// Whether the open wave's rollback, and every later wave's, is the upgrade's restore of
    /// the backup (or its refusal): once the leader has started the new release, the database
    /// is migrated and `migration_rollbacks` puts the restore in place of each wave's own undo,
    /// so building that undo would be wasted.
    pub(crate) fn restores_from_here(&self) -> bool {
        self.stages && !self.leader_pending.get()
    }

    /// The members leave the proxy (one reload), then requests in flight get `drain_delay` to
    /// finish.
    pub(crate) fn leave(&self, members: &[PlannedInstance], out: &mut Out) {
        self.swap(&[], members, out);
    }

    /// `joining` (healthy members whose join was deferred) enter the proxy and `leaving` leave
    /// it in one edit and one reload, then requests in flight on `leaving` get `drain_delay`.
    /// Nothing when there is no proxy or no member: nothing to reload then.
    pub(crate) fn swap(
        &self,
        joining: &[PlannedInstance],
        leaving: &[PlannedInstance],
        out: &mut Out,
    ) {
        let Some((_, machine)) = &self.proxy else {
            return;
        };
        if joining.is_empty() && leaving.is_empty() {
            return;
        }
        // The edits, the validation and reload, the wait.
        out.reserve(joining.len() + leaving.len() + 3);
        for m in joining {
            out.push(machine.clone(), add(m), Description::OfAction);
        }
        for m in leaving {
            out.push(machine.clone(), remove(m), Description::OfAction);
        }
        out.extend(self.reload_proxy());
        if !leaving.is_empty() && self.policy.drain_delay_seconds > 0 {
            out.push(
                machine.clone(),
                Action::WaitDrained {
                    seconds: self.policy.drain_delay_seconds,
                },
                drain_description(self.policy.drain_delay_seconds, leaving).into(),
            );
        }
    }

    /// Healthy members join the proxy (one reload).
    pub(crate) fn join(&self, members: &[PlannedInstance], out: &mut Out) {
        self.swap(members, &[], out);
    }

    /// Whether reloading the proxy costs clients something. An nginx or Apache reload closes
    /// idle keep-alive client connections, and a client sending on one at that moment sees a
    /// reset (the lab measured it), so rolling waves share reloads: a wave's healthy instances
    /// join in the next wave's edit. HAProxy (runtime API) and Apache (balancer-manager) take
    /// servers in and out without reloading, so their instances join at once.
    pub(crate) fn defers_joins(&self) -> bool {
        self.proxy
            .as_ref()
            .is_some_and(|(kind, _)| *kind == ProxyKind::Nginx)
    }

    /// Validate, then reload, the proxy.
    pub(crate) fn reload_proxy(&self) -> Vec<Op> {
        let Some((kind, machine)) = &self.proxy else {
            return Vec::new();
        };
        vec![
            (
                machine.clone(),
                Action::ProxyValidate,
                Description::Fixed(match kind {
                    ProxyKind::Nginx => "validate the nginx configuration",
                    ProxyKind::Apache => "validate the apache configuration",
                    ProxyKind::Haproxy => "validate the haproxy configuration",
                }),
            ),
            (
                machine.clone(),
                Action::ProxyReload,
                Description::Fixed(match kind {
                    ProxyKind::Haproxy => {
                        "apply the haproxy configuration (reloaded only when more than server states changed)"
                    }
                    ProxyKind::Apache => {
                        "apply the apache configuration (reloaded only when more than member states changed)"
                    }
                    ProxyKind::Nginx => "reload nginx without dropping connections",
                }),
            ),
        ]
    }

    /// Stops members; `retire` also disables them and removes their env files.
    pub(crate) fn stop(&self, members: &[PlannedInstance], retire: bool, out: &mut Out) {
        out.reserve(members.len() * if retire { 3 } else { 1 });
        for m in members {
            let instance = Some(m.id.clone());
            out.push(
                m.host.clone(),
                Action::StopUnit {
                    unit: m.unit.clone(),
                    instance: instance.clone(),
                },
                Description::OfAction,
            );
            if retire {
                if m.enabled {
                    out.push(
                        m.host.clone(),
                        Action::DisableUnit {
                            unit: m.unit.clone(),
                            instance: instance.clone(),
                        },
                        Description::OfAction,
                    );
                }
                out.push(
                    m.host.clone(),
                    Action::RemoveFile {
                        path: m.env_path.clone(),
                        instance,
                    },
                    Description::OfAction,
                );
            }
        }
    }

    /// Installs each member's env file, enables it when new, starts it, then waits until every
    /// one is healthy. The leader (the first desired instance to start) starts and passes its
    /// gate before the others start.
    pub(crate) fn start(&self, members: &[PlannedInstance], out: &mut Out) {
        let leads = self.leader_pending.get()
            && members.first().is_some_and(|m| m.env.side == Side::Desired);
        if leads {
            self.leader_pending.set(false);
        }
        if leads && members.len() > 1 {
            self.start_together(&members[..1], out);
            self.start_together(&members[1..], out);
            return;
        }
        self.start_together(members, out);
    }

    fn start_together(&self, members: &[PlannedInstance], out: &mut Out) {
        // At most: env file, release, enable, start, wait healthy.
        out.reserve(members.len() * 5);
        for m in members {
            let instance = Some(m.id.clone());
            out.push(
                m.host.clone(),
                Action::WriteFile {
                    path: m.env_path.clone(),
                    mode: paths::ENV_MODE,
                    source: m.env.clone(),
                    instance: instance.clone(),
                },
                Description::OfAction,
            );
            if self.stages {
                let (host, action, description) =
                    super::upgrade::use_release(self.release(m.env.side), m);
                out.push(host, action, description);
            }
            if m.enable_on_start {
                out.push(
                    m.host.clone(),
                    Action::EnableUnit {
                        unit: m.unit.clone(),
                        instance: instance.clone(),
                    },
                    Description::OfAction,
                );
            }
            out.push(
                m.host.clone(),
                Action::StartUnit {
                    unit: m.unit.clone(),
                    instance,
                },
                Description::OfAction,
            );
        }
        let h = &self.policy.health;
        for m in members {
            out.push(
                m.host.clone(),
                Action::WaitHealthy {
                    instance: m.id.clone(),
                    url: m.health_url.clone(),
                    deadline_seconds: h.deadline_seconds,
                    interval_seconds: h.interval_seconds,
                    min_healthy_seconds: h.min_healthy_seconds,
                    expect_version: self.stages.then(|| m.version.clone()),
                },
                Description::OfAction,
            );
        }
    }

    /// Writes the unit files of `host` from `side` (user, directories, units), reloads systemd
    /// and enables `rocketchat.target`, so its instances come back after a reboot.
    pub(crate) fn install_units(&self, host: &Arc<str>, side: Side) -> Vec<Op> {
        let mut ops: Vec<Op> = paths::HOST_UNIT_FILES
            .into_iter()
            .map(|path| {
                (
                    host.clone(),
                    Action::WriteFile {
                        path: path.into(),
                        mode: paths::CONFIG_MODE,
                        source: FileSource {
                            side,
                            rendered: paths::rendered_relative(host, path).into(),
                            overrides: Vec::new(),
                        },
                        instance: None,
                    },
                    format!("install {path}").into(),
                )
            })
            .collect();
        ops.push(daemon_reload(host));
        ops.push((
            host.clone(),
            Action::EnableUnit {
                unit: paths::TARGET_NAME.into(),
                instance: None,
            },
            format!(
                "enable {} so the instances start at boot",
                paths::TARGET_NAME
            )
            .into(),
        ));
        ops
    }

    /// Removes the unit files of a host left without instances.
    pub(crate) fn remove_units(&self, host: &Arc<str>) -> Vec<Op> {
        let mut ops: Vec<Op> = vec![(
            host.clone(),
            Action::DisableUnit {
                unit: paths::TARGET_NAME.into(),
                instance: None,
            },
            format!(
                "disable {}: no instance runs here any more",
                paths::TARGET_NAME
            )
            .into(),
        )];
        ops.extend(paths::HOST_UNIT_FILES.into_iter().rev().map(|path| {
            (
                host.clone(),
                Action::RemoveFile {
                    path: path.into(),
                    instance: None,
                },
                format!("remove {path}: no instance runs here any more").into(),
            )
        }));
        ops.push(daemon_reload(host));
        ops
    }

    /// Installs the proxy configuration rendered for `side`, validates and reloads.
    pub(crate) fn install_proxy(&self, side: Side) -> Vec<Op> {
        let Some((kind, machine)) = &self.proxy else {
            return Vec::new();
        };
        let path = paths::proxy_config(*kind);
        let mut ops = vec![(
            machine.clone(),
            Action::WriteFile {
                path: path.into(),
                mode: paths::CONFIG_MODE,
                source: FileSource {
                    side,
                    rendered: paths::rendered_relative(machine, path).into(),
                    overrides: Vec::new(),
                },
                instance: None,
            },
            format!("install the {} configuration {path}", kind.as_str()).into(),
        )];
        ops.extend(self.reload_proxy());
        ops
    }
}

/// The index of `side` in the tables kept for each (current, desired).
fn side_index(side: Side) -> usize {
    match side {
        Side::Current => 0,
        Side::Desired => 1,
    }
}

/// The position of `i` in `layout.instances`, when it is one of them (an instance from
/// elsewhere is planned without being kept): worked out from its address, then confirmed.
fn position(layout: &Layout, i: &Instance) -> Option<usize> {
    let start = layout.instances.as_ptr() as usize;
    let at = (i as *const Instance as usize).wrapping_sub(start) / std::mem::size_of::<Instance>();
    layout
        .instances
        .get(at)
        .is_some_and(|found| std::ptr::eq(found, i))
        .then_some(at)
}

fn daemon_reload(host: &Arc<str>) -> Op {
    (
        host.clone(),
        Action::DaemonReload,
        Description::Fixed("reload systemd so it reads the new unit files"),
    )
}

fn add(m: &PlannedInstance) -> Action {
    Action::ProxyAdd {
        instance: m.id.clone(),
        upstream: m.upstream.clone(),
        server: m.server.clone(),
    }
}

fn remove(m: &PlannedInstance) -> Action {
    Action::ProxyRemove {
        instance: m.id.clone(),
        upstream: m.upstream.clone(),
        server: m.server.clone(),
    }
}

/// `wait <seconds> s so requests in flight on <id>, <id> finish`, written in one string: every
/// wave of a rolling restart has one.
fn drain_description(seconds: u32, leaving: &[PlannedInstance]) -> String {
    let mut seconds_text = itoa::Buffer::new();
    let seconds_text = seconds_text.format(seconds);
    let ids: usize = leaving.iter().map(|m| m.id.len() + 2).sum();
    let mut out = String::with_capacity(50 + seconds_text.len() + ids);
    out.push_str("wait ");
    out.push_str(seconds_text);
    out.push_str(" s so requests in flight on ");
    for (n, m) in leaving.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(&m.id);
    }
    out.push_str(" finish");
    out
}
