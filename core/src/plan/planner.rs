//! The planner: refuses what cannot be rolled safely, then composes waves (replica set, prepare,
//! scale out, surge, canary and rolling restarts, scale in, cleanup, proxy) and proves the result
//! with the simulator before handing it out.

use super::action::{Action, Side};
use super::budget::{self, Resolved};
use super::builder::{Builder, Out};
use super::description::Description;
use super::diff::{self, Diff};
use super::error::PlanError;
use super::id_hash::IdHash;
use super::items::{self, Item, Work};
use super::ops::{Ctx, SideRelease};
use super::planned_instance::{health_path, PlannedInstance};
use super::policy::Policy;
use super::schedule::{self, Capacity, Schedule};
use super::summary::{plan_seconds, RollbackKind, Summary, WaveKind};
use super::upgrade::{self, ReleaseChange};
use super::Plan;
use crate::layout::Layout;
use crate::paths;
use crate::version::{self, MongoSupport, Version};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Plans the change from `current` (`None`: a fresh install) to `desired` under `policy`.
/// The plan returned has passed [`Plan::simulate`].
pub fn plan(
    current: Option<&Layout>,
    desired: &Layout,
    policy: &Policy,
) -> Result<Plan, PlanError> {
    policy.validate()?;
    refuse(current, desired)?;
    let diff = Diff::between(current, desired);
    let work = items::work(&diff, current, policy.order)?;
    let budget = budget::resolve(policy, current, desired, work.items.len())?;
    let proxy = desired
        .topology
        .proxy
        .as_ref()
        .zip(paths::proxy_machine(&desired.topology))
        .map(|(p, machine)| (p.kind, Arc::from(machine)));
    let release = ReleaseChange::of(current, desired);
    let before = current.map_or(0, |c| c.instances.len());
    let ctx = Ctx {
        current,
        desired,
        policy,
        proxy,
        stages: release.stages(),
        leader_pending: std::cell::Cell::new(current.is_none() || release.stages()),
        health_paths: [
            health_path(current.unwrap_or(desired), policy),
            health_path(desired, policy),
        ],
        releases: [
            SideRelease::of(current.unwrap_or(desired)),
            SideRelease::of(desired),
        ],
        parts: RefCell::new([
            vec![None; current.unwrap_or(desired).instances.len()],
            vec![None; desired.instances.len()],
        ]),
        positions: Default::default(),
        scratch: Default::default(),
        common: Default::default(),
    };
    let mut b = Builder::default();
    match current {
        None => replica_set_wave(&ctx, &mut b),
        Some(c) => {
            let to = desired
                .mongo_version()
                .ok_or_else(|| PlanError::BadVersion {
                    version: desired.topology.mongo.version.clone(),
                })?;
            super::mongo_upgrade::waves(&c.topology, to, &mut b)?;
        }
    }
    prepare_wave(&ctx, &diff, &release, &mut b);
    let install = current.is_none();
    scale_out_wave(&ctx, &work.early, install, Vec::new(), &mut b);
    let surge: Vec<PlannedInstance> = budget
        .surge
        .iter()
        .map(|slot| {
            let version = &ctx.release(Side::Desired).version;
            PlannedInstance::surge(version, slot, ctx.health_path(Side::Desired))
        })
        .collect();
    surge_wave(&ctx, &surge, &mut b);
    let schedule = schedule::schedule(
        &work.items,
        policy.canary as usize,
        &work.late,
        capacity(&ctx, &work, &budget),
    )
    .map_err(|no_room| PlanError::RetirementsLeaveNoRoom {
        retired: no_room.retired.join(", "),
        max_unavailable: budget.max_unavailable,
        max_surge: budget.surge.len(),
        more: no_room.needed - budget.parallelism().max(1),
    })?;
    let (restart_waves, unjoined) = rolling_waves(&ctx, &diff, &work, &schedule, &mut b);
    // The last rolling wave's instances join in the next edit of the proxy: a late scale-out's
    // join, the scale-in's leave, or else the rendered configuration of the proxy wave.
    let late: Vec<&crate::layout::Instance> =
        schedule.late_after.iter().map(|&j| work.late[j]).collect();
    let unjoined = scale_out_wave(&ctx, &late, false, unjoined, &mut b);
    scale_in_wave(&ctx, &work, &surge, unjoined, &mut b);
    cleanup_wave(&ctx, &diff, &release, &mut b);
    let edited_proxy = b.steps.iter().any(|s| {
        matches!(
            s.action,
            Action::ProxyAdd { .. } | Action::ProxyRemove { .. }
        )
    });
    proxy_wave(&ctx, install || diff.proxy_changed || edited_proxy, &mut b);
    let leader = migration_rollbacks(&ctx, &release, &surge, &mut b);
    let mut summary = summarize(&ctx, &diff, &work, &budget, restart_waves, &mut b);
    describe_upgrade(&ctx, &release, leader, &mut summary)?;
    let plan = Plan {
        steps: b.steps,
        summary,
    };
    // The floor the simulator holds the plan to, as `Plan::simulate` resolves it.
    let floor = min_serving(before, desired.instances.len(), budget.max_unavailable);
    plan.simulate_above(current, desired, policy, floor, diff.prints.as_ref())
        .map_err(PlanError::Unsafe)?;
    Ok(plan)
}

/// Requests the planner refuses, with the reason.
fn refuse(current: Option<&Layout>, desired: &Layout) -> Result<(), PlanError> {
    if desired.instances.is_empty() {
        return Err(PlanError::RemovesEveryInstance);
    }
    // The specific refusals come before the checker's: their messages say what to do instead
    // (a hostile name, or an upgrade that needs MongoDB upgraded first, is also a check error).
    for layout in current.into_iter().chain([desired]) {
        refuse_unsafe_names(layout)?;
    }
    refuse_versions(current, desired)?;
    refuse_release_settings(desired)?;
    if let Some(current) = current {
        refuse_unsafe_current(current)?;
    }
    let report = crate::check(desired);
    if report.has_errors() {
        return Err(PlanError::DesiredHasErrors { report });
    }
    match current {
        Some(current) => diff::refuse_unplannable(current, desired),
        None => Ok(()),
    }
}

/// Rules whose errors in the *current* topology make acting on it unsafe: ports out of range
/// (surge ports are computed from them) and every security rule (values reach shell commands and
/// configuration files). Other errors of a running deployment are what the rollout may fix.
fn blocks_current(code: &str) -> bool {
    code == "T006" || code.starts_with('S')
}

fn refuse_unsafe_current(current: &Layout) -> Result<(), PlanError> {
    let report = crate::check(current);
    let blocking: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error && blocks_current(&d.code))
        .collect();
    match blocking.first() {
        Some(first) => Err(PlanError::CurrentUnsafe {
            errors: blocking.len(),
            first: first.to_string(),
        }),
        None => Ok(()),
    }
}

/// Host names and addresses end up in ssh commands, file names and proxy configuration edits;
/// only plain names and addresses get there.
fn refuse_unsafe_names(layout: &Layout) -> Result<(), PlanError> {
    let plain = |s: &str| {
        !s.is_empty()
            && !s.starts_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b))
    };
    // The field's name is written only for the name refused: the check runs over every
    // instance of both layouts, and almost always refuses none.
    let unsafe_name = |field: String, value: &str| PlanError::UnsafeName {
        field,
        value: value.to_string(),
    };
    for h in &layout.hosts {
        if !plain(&h.name) {
            return Err(unsafe_name(format!("hosts[{}].name", h.index), &h.name));
        }
        if let Some(a) = h.address.as_deref().filter(|a| !plain(a)) {
            return Err(unsafe_name(format!("hosts[{}].address", h.index), a));
        }
    }
    if let Some(i) = layout.instances.iter().find(|i| !plain(&i.upstream_host)) {
        let field = format!("instance {}: upstream", i.id);
        return Err(unsafe_name(field, &i.upstream_host));
    }
    if let Some(p) = layout.topology.proxy.as_ref().and_then(|p| p.host.as_ref()) {
        if !plain(p) {
            return Err(unsafe_name("proxy.host".into(), p));
        }
    }
    for (n, m) in layout.topology.mongo.members.iter().enumerate() {
        if !plain(&m.host) {
            return Err(unsafe_name(format!("mongo.members[{n}].host"), &m.host));
        }
    }
    Ok(())
}

/// The target release must support the deployed MongoDB, and a downgrade must not cross a
/// MongoDB requirement.
fn refuse_versions(current: Option<&Layout>, desired: &Layout) -> Result<(), PlanError> {
    let to = desired
        .rocketchat_version()
        .ok_or_else(|| PlanError::BadVersion {
            version: desired.topology.rocketchat.version.clone(),
        })?;
    // MongoDB is upgraded before Rocket.Chat: the new release runs on the desired MongoDB, the
    // current release on every series the replica set passes through.
    if let Some(mongo) = desired.mongo_version() {
        if version::mongo_support(to, mongo) == MongoSupport::Unsupported {
            return Err(PlanError::MongoUnsupported {
                rocketchat: to.to_string(),
                mongo: desired.topology.mongo.version.clone(),
                supported: version::listed_mongo_versions(to).join(", "),
            });
        }
    }
    let Some(from) = current.and_then(Layout::rocketchat_version) else {
        return Ok(());
    };
    if let (Some(a), Some(b)) = (
        current.and_then(Layout::mongo_version),
        desired.mongo_version(),
    ) {
        for series in super::mongo_upgrade::path(a, b)? {
            let mongo = Version::new(series.0, series.1, 0);
            if version::mongo_support(from, mongo) == MongoSupport::Unsupported {
                return Err(PlanError::MongoUnsupported {
                    rocketchat: from.to_string(),
                    mongo: super::mongo_upgrade::series_name(series),
                    supported: version::listed_mongo_versions(from).join(", "),
                });
            }
        }
    }
    let floor = |v| {
        version::minimum_mongo(v)
            .map(|(a, b)| format!("{a}.{b}"))
            .unwrap_or_else(|| "?".into())
    };
    if to < from && version::minimum_mongo(to) != version::minimum_mongo(from) {
        return Err(PlanError::DowngradeAcrossMongo {
            from: from.to_string(),
            to: to.to_string(),
            from_floor: floor(from),
            to_floor: floor(to),
        });
    }
    upgrade::refuse_release_change(from, to)
}

/// Release settings reach directory names, URLs and shell commands.
fn refuse_release_settings(desired: &Layout) -> Result<(), PlanError> {
    let rc = &desired.topology.rocketchat;
    if !upgrade::plain_version(&rc.version) {
        return Err(PlanError::BadReleaseSetting {
            field: "version",
            value: rc.version.clone(),
            expected: "letters, digits, `.`, `-` and `+` only, e.g. `7.11.0`",
        });
    }
    for (field, dir) in [
        ("releases_dir", &rc.releases_dir),
        ("backup_dir", &rc.backup_dir),
    ] {
        let plain = dir.starts_with('/')
            && !dir.split('/').any(|part| part == "..")
            && dir
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
        if !plain {
            return Err(PlanError::BadReleaseSetting {
                field,
                value: dir.clone(),
                expected: "an absolute path of letters, digits, `/`, `.`, `_` and `-`",
            });
        }
    }
    if let Some(sum) = &rc.checksum {
        if sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(PlanError::BadReleaseSetting {
                field: "checksum",
                value: sum.clone(),
                expected: "the SHA-256 of the release tarball: 64 hexadecimal digits",
            });
        }
    }
    if rc
        .release_url
        .as_deref()
        .is_some_and(|u| !u.contains("{version}"))
    {
        return Err(PlanError::BadReleaseSetting {
            field: "release_url",
            value: rc.release_url.clone().unwrap_or_default(),
            expected: "a URL or path template holding `{version}`",
        });
    }
    Ok(())
}

/// Fresh install: mongod on every member (its configuration and unit where the renderer puts
/// them, see `paths::mongod_places`), then `rs.initiate` once on the first.
fn replica_set_wave(ctx: &Ctx, b: &mut Builder) {
    let mongo = &ctx.desired.topology.mongo;
    let places = paths::mongod_places(&ctx.desired.topology);
    let (Some(set), Some(_)) = (&mongo.replica_set, places.first()) else {
        return;
    };
    b.open(WaveKind::ReplicaSet);
    // Every member needs the keyfile before its mongod starts.
    b.push(super::mongo_auth::keyfile_ops(ctx.desired));
    let write = |machine: &Arc<str>, path: &str| {
        (
            machine.clone(),
            Action::WriteFile {
                path: path.into(),
                mode: paths::CONFIG_MODE,
                source: super::action::FileSource {
                    side: Side::Desired,
                    rendered: paths::rendered_relative(machine, path).into(),
                    overrides: Vec::new(),
                },
                instance: None,
            },
            format!("install {path} (replica set {set})").into(),
        )
    };
    let mut templates: Vec<&str> = Vec::new();
    for place in &places {
        let machine: Arc<str> = place.machine.as_str().into();
        let unit: Arc<str> = place.unit.as_str().into();
        let mut ops = Vec::new();
        if place.shared && !templates.contains(&place.machine.as_str()) {
            templates.push(&place.machine);
            ops.push(write(&machine, paths::MONGOD_UNIT_TEMPLATE));
            ops.push((
                machine.clone(),
                Action::DaemonReload,
                Description::Fixed("reload systemd so it reads the mongod template"),
            ));
        }
        ops.push(write(&machine, &place.conf));
        ops.push((
            machine.clone(),
            Action::EnableUnit {
                unit: unit.clone(),
                instance: None,
            },
            format!("enable {} at boot", place.unit).into(),
        ));
        ops.push((
            machine,
            Action::StartUnit {
                unit,
                instance: None,
            },
            format!("start {}", place.unit).into(),
        ));
        b.push(ops);
    }
    b.push(
        super::mongo_auth::initiate_op(ctx.desired, set)
            .into_iter()
            .collect(),
    );
    b.close();
}

/// Unit templates are written and loaded; running instances keep their loaded units until they
/// restart.
fn prepare_wave(ctx: &Ctx, diff: &Diff, release: &ReleaseChange, b: &mut Builder) {
    b.open(WaveKind::Prepare);
    if let ReleaseChange::Upgrade { from, to } = release {
        b.push(upgrade::stage_ops(ctx, from, to));
        if ctx.policy.backup {
            b.push(upgrade::backup_op(ctx, from, to).into_iter().collect());
        }
    }
    let existed: BTreeSet<&str> = ctx
        .current
        .map(|c| c.instances.iter().map(|i| i.host.as_str()).collect())
        .unwrap_or_default();
    for host in &diff.unit_hosts {
        let host: Arc<str> = host.as_str().into();
        let host = &host;
        b.push(ctx.install_units(host, Side::Desired));
        if existed.contains(&**host) {
            b.rollback(ctx.install_units(host, Side::Current));
        } else {
            b.rollback(ctx.remove_units(host));
        }
    }
    b.close();
}

/// New instances start and become healthy before they join the proxy. On a fresh install the
/// proxy is installed afterwards with every instance in it.
fn scale_out_wave(
    ctx: &Ctx,
    added: &[&crate::layout::Instance],
    install: bool,
    unjoined: Vec<PlannedInstance>,
    b: &mut Builder,
) -> Vec<PlannedInstance> {
    if added.is_empty() {
        return unjoined;
    }
    b.open(WaveKind::ScaleOut);
    let members: Vec<PlannedInstance> = added
        .iter()
        .map(|i| ctx.planned(Side::Desired, i).fresh())
        .collect();
    for m in &members {
        b.note_instance(&m.id);
    }
    ctx.start(&members, &mut b.out());
    if !install {
        let joining: Vec<PlannedInstance> = unjoined
            .into_iter()
            .chain(members.iter().cloned())
            .collect();
        ctx.join(&joining, &mut b.out());
    }
    if ctx.restores_from_here() {
        b.close();
        return Vec::new();
    }
    // A fresh install writes the proxy configuration only in its last wave: before that there
    // is no proxy configuration to take the instances out of.
    let undo = &mut b.undo();
    if !install {
        ctx.leave(&members, undo);
    }
    ctx.stop(&members, true, undo);
    b.close();
    Vec::new()
}

/// Surge instances start on spare ports and join the proxy, so restarts never lower capacity.
fn surge_wave(ctx: &Ctx, surge: &[PlannedInstance], b: &mut Builder) {
    if surge.is_empty() {
        return;
    }
    b.open(WaveKind::SurgeUp);
    for m in surge {
        b.note_instance(&m.id);
    }
    let out = &mut b.out();
    ctx.start(surge, out);
    ctx.join(surge, out);
    if ctx.restores_from_here() {
        b.close();
        return;
    }
    let undo = &mut b.undo();
    ctx.leave(surge, undo);
    ctx.stop(surge, true, undo);
    b.close();
}

/// What the budget allows at once, for the schedule of the rolling waves.
fn capacity(ctx: &Ctx, work: &Work, budget: &Resolved) -> Capacity {
    let before = ctx.current.map_or(0, |c| c.instances.len());
    Capacity {
        parallelism: budget.parallelism().max(1),
        spare: before.saturating_sub(ctx.desired.instances.len()) + work.early.len(),
    }
}

/// The scheduled canary and rolling waves, each late scale-out instance started (and joined)
/// right before the first wave after its TCP_PORT is free. Returns the number of rolling waves,
/// and the instances of the last wave when their join is left to the next edit of the proxy
/// (see [`Ctx::defers_joins`]).
fn rolling_waves(
    ctx: &Ctx,
    diff: &Diff,
    work: &Work,
    schedule: &Schedule,
    b: &mut Builder,
) -> (usize, Vec<PlannedInstance>) {
    // At most: an item's edits of the proxy, its stop (three steps to retire) and its start
    // (five); a late instance's start and join; each wave's reloads, wait and gate.
    b.reserve(11 * work.items.len() + 10 * work.late.len() + 16 * schedule.waves.len());
    let mut unjoined = Vec::new();
    let mut after_canary = false;
    for wave in &schedule.waves {
        if !wave.canary && !after_canary {
            after_canary = true;
            if wave.items.start > 0 {
                canary_gate(ctx, &work.items[..wave.items.start], b);
            }
        }
        let late: Vec<&crate::layout::Instance> =
            wave.late_before.iter().map(|&j| work.late[j]).collect();
        unjoined = scale_out_wave(ctx, &late, false, unjoined, b);
        let chunk = &work.items[wave.items.clone()];
        unjoined = if wave.canary {
            // Canaries join at once: the operator judges them serving, at the gate.
            rolling_wave(ctx, diff, chunk, WaveKind::Canary, unjoined, false, b)
        } else {
            let defer = ctx.defers_joins();
            rolling_wave(ctx, diff, chunk, WaveKind::Rolling, unjoined, defer, b)
        };
    }
    (schedule.waves.len(), unjoined)
}

/// The operator confirms the canaries serve before the rest of the rollout.
fn canary_gate(ctx: &Ctx, canaries: &[Item], b: &mut Builder) {
    let machine = ctx
        .proxy
        .as_ref()
        .map(|(_, m)| m.clone())
        .unwrap_or_else(|| canaries[0].predecessor().host.as_str().into());
    let ids: Vec<&str> = canaries
        .iter()
        .map(|i| i.predecessor().id.as_str())
        .collect();
    b.push(vec![(
        machine,
        Action::Gate {
            reason: format!(
                "canary {} runs the new release: confirm chat works before the rest",
                ids.join(", ")
            ),
        },
        Description::Fixed("wait for the operator to confirm the canary"),
    )]);
}

/// One wave: the previous wave's instances join while this one's leave (one reload), drain,
/// stop everything, start everything, wait healthy; then rejoin, or with `defer` return the
/// new instances for the next wave's edit.
fn rolling_wave(
    ctx: &Ctx,
    diff: &Diff,
    chunk: &[Item],
    kind: WaveKind,
    unjoined: Vec<PlannedInstance>,
    defer: bool,
    b: &mut Builder,
) -> Vec<PlannedInstance> {
    b.open(kind);
    let of_old = |i: &Item| ctx.planned(Side::Current, i.predecessor());
    let of_new = |n| ctx.planned(Side::Desired, n);
    let restarted: Vec<PlannedInstance> = chunk
        .iter()
        .filter(|i| matches!(i, Item::Restart(_)))
        .map(of_old)
        .collect();
    let retired: Vec<PlannedInstance> = chunk
        .iter()
        .filter(|i| !matches!(i, Item::Restart(_)))
        .map(of_old)
        .collect();
    let news: Vec<PlannedInstance> = chunk
        .iter()
        .filter_map(|i| {
            let m = of_new(i.successor()?);
            Some(if matches!(i, Item::Replace { .. }) {
                m.fresh()
            } else {
                m
            })
        })
        .collect();
    b.note_instances(chunk.iter().map(|item| item.predecessor().id.as_str()));
    // Most waves retire nothing: their restarted instances are all that leave the proxy.
    let olds: std::borrow::Cow<[PlannedInstance]> = if retired.is_empty() {
        std::borrow::Cow::Borrowed(&restarted)
    } else {
        restarted.iter().chain(&retired).cloned().collect()
    };
    // Each sequence writes its steps into the plan as it makes them.
    let out = &mut b.out();
    ctx.swap(&unjoined, &olds, out);
    ctx.stop(&restarted, false, out);
    ctx.stop(&retired, true, out);
    ctx.start(&news, out);
    if !defer {
        ctx.join(&news, out);
    }
    if ctx.restores_from_here() {
        b.close();
        return if defer { news } else { Vec::new() };
    }

    let replaced: BTreeSet<&str> = chunk
        .iter()
        .filter(|i| matches!(i, Item::Replace { .. }))
        .filter_map(|i| i.successor().map(|n| n.id.as_str()))
        .collect();
    let (news_retired, news_restarted): (Vec<PlannedInstance>, Vec<PlannedInstance>) = news
        .iter()
        .cloned()
        .partition(|m| replaced.contains(&*m.id));
    let hosts: BTreeSet<&str> = if diff.unit_changed {
        chunk
            .iter()
            .map(|i| i.predecessor().host.as_str())
            .collect()
    } else {
        BTreeSet::new()
    };
    let olds_back: Vec<PlannedInstance> = restarted
        .iter()
        .cloned()
        .chain(retired.iter().cloned().map(PlannedInstance::fresh))
        .collect();
    let undo = &mut b.undo();
    // The list at its full size at once (see `Out::reserve`): the new instances leave (one
    // step each, then the reload and wait) and stop (three to retire), each host's units go
    // back, the old ones start (at most five) and join (one, then the reload).
    undo.reserve(
        news.len()
            + news_restarted.len()
            + 3 * news_retired.len()
            + (paths::HOST_UNIT_FILES.len() + 2) * hosts.len()
            + 6 * olds_back.len()
            + 5,
    );
    ctx.leave(&news, undo);
    ctx.stop(&news_restarted, false, undo);
    ctx.stop(&news_retired, true, undo);
    for host in hosts {
        undo.extend(ctx.install_units(&host.into(), Side::Current));
    }
    ctx.start(&olds_back, undo);
    ctx.join(&olds_back, undo);
    b.close();
    if defer {
        news
    } else {
        Vec::new()
    }
}

/// Removed and surge instances leave the proxy, drain, stop and are disabled.
fn scale_in_wave(
    ctx: &Ctx,
    work: &Work,
    surge: &[PlannedInstance],
    unjoined: Vec<PlannedInstance>,
    b: &mut Builder,
) {
    let removed: Vec<PlannedInstance> = work
        .removed
        .iter()
        .map(|i| ctx.planned(Side::Current, i))
        .collect();
    let leaving: Vec<PlannedInstance> = removed.iter().chain(surge).cloned().collect();
    if leaving.is_empty() {
        return;
    }
    b.open(WaveKind::ScaleIn);
    for m in &leaving {
        b.note_instance(&m.id);
    }
    let out = &mut b.out();
    ctx.swap(&unjoined, &leaving, out);
    ctx.stop(&leaving, true, out);
    if ctx.restores_from_here() {
        b.close();
        return;
    }
    let back: Vec<PlannedInstance> = removed.into_iter().map(PlannedInstance::fresh).collect();
    let undo = &mut b.undo();
    ctx.start(&back, undo);
    ctx.join(&back, undo);
    b.close();
}

/// Hosts left without instances lose their unit template and target.
fn cleanup_wave(ctx: &Ctx, diff: &Diff, release: &ReleaseChange, b: &mut Builder) {
    b.open(WaveKind::Cleanup);
    if let ReleaseChange::Upgrade { from, to } = release {
        b.push(upgrade::prune_ops(ctx, from, to));
    }
    for host in &diff.emptied_hosts {
        let host: Arc<str> = host.as_str().into();
        b.push(ctx.remove_units(&host));
        b.rollback(ctx.install_units(&host, Side::Current));
    }
    b.close();
}

/// The rendered proxy configuration replaces the edited one: validated, then reloaded.
fn proxy_wave(ctx: &Ctx, needed: bool, b: &mut Builder) {
    if !needed || ctx.proxy.is_none() {
        return;
    }
    b.open(WaveKind::Proxy);
    b.push(ctx.install_proxy(Side::Desired));
    if let Some(current) = ctx.current.filter(|_| !ctx.restores_from_here()) {
        b.rollback(proxy_rollback(ctx, current));
    }
    b.close();
}

/// The previous proxy settings with the present membership: the current render, with the
/// instances that are gone taken out and the new ones put in, then validated and reloaded.
fn proxy_rollback(ctx: &Ctx, current: &Layout) -> Vec<super::builder::Op> {
    let install = ctx.install_proxy(Side::Current);
    let Some((write, reload)) = install.split_first() else {
        return Vec::new();
    };
    let ids =
        |l: &Layout| -> BTreeSet<String> { l.instances.iter().map(|i| i.id.clone()).collect() };
    let (before, after) = (ids(current), ids(ctx.desired));
    let members = |l: &Layout, side: Side, keep: &dyn Fn(&str) -> bool| -> Vec<PlannedInstance> {
        l.instances
            .iter()
            .filter(|i| keep(&i.id))
            .map(|i| ctx.planned(side, i))
            .collect()
    };
    let gone = members(current, Side::Current, &|id| !after.contains(id));
    let new = members(ctx.desired, Side::Desired, &|id| !before.contains(id));
    let mut ops = vec![write.clone()];
    let edits = |ops: &mut Vec<super::builder::Op>, ms: &[PlannedInstance], add: bool| {
        for m in ms {
            let (machine, action) = match (&ctx.proxy, add) {
                (Some((_, machine)), true) => (
                    machine.clone(),
                    Action::ProxyAdd {
                        instance: m.id.clone(),
                        upstream: m.upstream.clone(),
                        server: m.server.clone(),
                    },
                ),
                (Some((_, machine)), false) => (
                    machine.clone(),
                    Action::ProxyRemove {
                        instance: m.id.clone(),
                        upstream: m.upstream.clone(),
                        server: m.server.clone(),
                    },
                ),
                (None, _) => continue,
            };
            let verb = if add { "keep" } else { "leave out" };
            ops.push((
                machine,
                action,
                format!("{verb} {}: membership stays as it is now", m.id).into(),
            ));
        }
    };
    edits(&mut ops, &gone, false);
    edits(&mut ops, &new, true);
    ops.extend(reload.iter().cloned());
    ops
}

/// From the leader's wave on, the database is migrated: a wave's rollback becomes the restore of
/// the backup, or is refused without one. Returns the leader and its wave.
fn migration_rollbacks(
    ctx: &Ctx,
    release: &ReleaseChange,
    surge: &[PlannedInstance],
    b: &mut Builder,
) -> Option<(Arc<str>, u32)> {
    // Only an install or a staged release has a leader. Asked first: searching the desired
    // layout for each started instance of a plan that has none (a port move of 15,000 instances)
    // compared every id with every other.
    if ctx.current.is_some() && !ctx.stages {
        return None;
    }
    let leader = b.steps.iter().find_map(|s| match &s.action {
        Action::StartUnit {
            instance: Some(id), ..
        } if ctx.desired.instance(id).is_some() || surge.iter().any(|m| &m.id == id) => {
            Some((id.clone(), s.wave))
        }
        _ => None,
    })?;
    let ReleaseChange::Upgrade { from, to } = release else {
        return Some(leader);
    };
    let waves: Vec<u32> = b
        .waves
        .iter()
        .map(|w| w.wave)
        .filter(|w| *w >= leader.1)
        .collect();
    // Every wave from the leader's on rolls back the same way: one list of steps, shared.
    let mut steps = Vec::new();
    let (kind, reason) = if ctx.policy.backup {
        upgrade::restore_rollback(ctx, surge, from, to, &mut Out::new(&mut steps, leader.1));
        (
            RollbackKind::Restore,
            format!(
                "{} migrated the database to {to}: the way back to {from} is the backup",
                leader.0
            ),
        )
    } else {
        (
            RollbackKind::Refused,
            format!("{} migrated the database to {to} and the plan took no backup (backup = false): {from} cannot run on it; restore a backup of your own, then plan {from} as a fresh start", leader.0),
        )
    };
    let steps = Arc::new(steps);
    // A refusal has no steps to share.
    let shared = !steps.is_empty();
    for (n, &wave) in waves.iter().enumerate() {
        let same_as = (shared && n > 0).then_some(waves[0]);
        b.replace_rollback(wave, kind, reason.clone(), steps.clone(), same_as);
    }
    Some(leader)
}

/// The upgrade's leader, backup and notes in the summary.
fn describe_upgrade(
    ctx: &Ctx,
    release: &ReleaseChange,
    leader: Option<(Arc<str>, u32)>,
    summary: &mut Summary,
) -> Result<(), PlanError> {
    summary.leader = leader.map(|(id, _)| id.to_string());
    if let (Some(c), Some(to)) = (ctx.current, ctx.desired.mongo_version()) {
        if let Some(from) = c.mongo_version() {
            let steps = super::mongo_upgrade::path(from, to)?;
            if !steps.is_empty() {
                summary.mongo_path = std::iter::once(from.major_minor())
                    .chain(steps)
                    .map(super::mongo_upgrade::series_name)
                    .collect();
            }
        }
    }
    if let ReleaseChange::Upgrade { from, to } = release {
        if ctx.policy.backup {
            summary.backup = Some(upgrade::backup_archive(ctx.desired, from, to));
        } else {
            summary.notes.push(format!(
                "no backup (backup = false): once {} migrates the database to {to}, no wave can be rolled back to {from}",
                summary.leader.as_deref().unwrap_or("the first instance")
            ));
        }
    }
    Ok(())
}

fn summarize(
    ctx: &Ctx,
    diff: &Diff,
    work: &Work,
    budget: &Resolved,
    restart_waves: usize,
    b: &mut Builder,
) -> Summary {
    let before = ctx.current.map_or(0, |c| c.instances.len());
    let after = ctx.desired.instances.len();
    let (estimated, worst) = plan_seconds(b.steps.iter().map(|s| &s.action), &ctx.policy.estimate);
    Summary {
        changes: changes(ctx, diff, work),
        from_version: ctx.current.map(|c| c.topology.rocketchat.version.clone()),
        to_version: ctx.desired.topology.rocketchat.version.clone(),
        instances_before: before,
        instances_after: after,
        instances_to_restart: work.items.len(),
        max_unavailable: budget.max_unavailable,
        max_surge: budget.surge.len(),
        parallelism: budget.parallelism(),
        restart_waves,
        min_serving: min_serving(before, after, budget.max_unavailable),
        waves: std::mem::take(&mut b.waves),
        estimated_seconds: estimated,
        worst_case_seconds: worst,
        leader: None,
        backup: None,
        mongo_path: Vec::new(),
        notes: Vec::new(),
    }
}

/// The floor the simulator enforces: the smaller side's capacity minus max_unavailable.
pub(crate) fn min_serving(before: usize, after: usize, max_unavailable: usize) -> usize {
    before.min(after).saturating_sub(max_unavailable)
}

/// Whether an instance is added on a host that loses one (a port moved without a replacement
/// in the work list). A set of the hosts losing one: comparing every added instance with every
/// removed one made 210 million comparisons when 15,000 instances moved port and 1,000 retired.
fn added_where_removed(diff: &Diff) -> bool {
    if diff.added.is_empty() || diff.removed.is_empty() {
        return false;
    }
    let losing: std::collections::HashSet<&str, IdHash> =
        diff.removed.iter().map(|r| r.host.as_str()).collect();
    diff.added.iter().any(|a| losing.contains(a.host.as_str()))
}

fn changes(ctx: &Ctx, diff: &Diff, work: &Work) -> Vec<&'static str> {
    let Some(current) = ctx.current else {
        return vec!["install"];
    };
    let mut out = Vec::new();
    if diff.version_changed {
        let up = current.rocketchat_version() < ctx.desired.rocketchat_version();
        out.push(if up { "upgrade" } else { "downgrade" });
    }
    let env_changed = diff.restart.iter().any(|k| k.current.env != k.desired.env);
    if env_changed || diff.unit_changed {
        out.push("config");
    }
    let moved =
        work.items.iter().any(|i| matches!(i, Item::Replace { .. })) || added_where_removed(diff);
    if moved {
        out.push("port_move");
    }
    if diff.added.len() > diff.removed.len() {
        out.push("scale_out");
    }
    if diff.removed.len() > diff.added.len() {
        out.push("scale_in");
    }
    if current.topology.proxy != ctx.desired.topology.proxy {
        out.push("proxy");
    }
    out
}
