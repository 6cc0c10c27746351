//! The plan for people: waves, steps and the estimated duration.

use super::summary::{RollbackKind, WaveKind, WaveSummary};
use super::Plan;
use super::Step;
use crate::text::escape_controls as shown;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn duration(seconds: u64) -> String {
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        s => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

fn kind_name(kind: WaveKind) -> &'static str {
    match kind {
        WaveKind::ReplicaSet => "replica set",
        WaveKind::Prepare => "prepare",
        WaveKind::ScaleOut => "scale out",
        WaveKind::SurgeUp => "surge up",
        WaveKind::Canary => "canary",
        WaveKind::Rolling => "rolling",
        WaveKind::ScaleIn => "scale in",
        WaveKind::Cleanup => "cleanup",
        WaveKind::Proxy => "proxy",
        WaveKind::MongoUpgrade => "mongodb member",
        WaveKind::MongoFcv => "mongodb fcv",
    }
}

fn rollback_line(wave: &WaveSummary) -> String {
    let reason = wave.rollback_reason.as_deref().unwrap_or_default();
    match wave.rollback_kind {
        RollbackKind::Restart => format!("{} step(s)", wave.rollback.len()),
        RollbackKind::Restore => format!(
            "stop every instance, restore the backup, start the old release ({} steps): {reason}",
            wave.rollback.len()
        ),
        RollbackKind::Refused => format!("refused: {reason}"),
    }
}

impl Plan {
    /// Waves and steps, one line each, with the budget and the estimated duration. Values from
    /// the topologies have their control characters escaped: no line of it can be forged.
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory cannot fail, and only `str`s are written.
        let _ = self.write_text(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// [`Plan::to_text`] written as it is made, so a plan of thousands of waves is never held
    /// whole as text.
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let s = &self.summary;
        let changes = if s.changes.is_empty() {
            "nothing to change".to_string()
        } else {
            s.changes.join(", ")
        };
        let from = s.from_version.as_deref().unwrap_or("none");
        writeln!(
            out,
            "Plan: {} (Rocket.Chat {} -> {}, {} -> {} instances)",
            shown(&changes),
            shown(from),
            shown(&s.to_version),
            s.instances_before,
            s.instances_after
        )?;
        writeln!(
            out,
            "Budget: max_unavailable {}, surge {}, {} at a time; serving never below {}",
            s.max_unavailable, s.max_surge, s.parallelism, s.min_serving
        )?;
        writeln!(
            out,
            "{} steps in {} waves ({} restart waves for {} instances); estimated {}, at most {}",
            self.steps.len(),
            s.waves.len(),
            s.restart_waves,
            s.instances_to_restart,
            duration(s.estimated_seconds),
            duration(s.worst_case_seconds)
        )?;
        if !s.mongo_path.is_empty() {
            writeln!(
                out,
                "MongoDB: {}, one series at a time, member by member, before Rocket.Chat",
                shown(&s.mongo_path.join(" -> "))
            )?;
        }
        if let Some(leader) = &s.leader {
            writeln!(
                out,
                "Leader: {} starts the new release alone and must pass its gate before any other",
                shown(leader)
            )?;
        }
        if let Some(backup) = &s.backup {
            writeln!(out, "Backup: {} (before the leader starts)", shown(backup))?;
        }
        for note in &s.notes {
            writeln!(out, "Note: {}", shown(note))?;
        }
        let width = self.steps.iter().map(|st| st.host.len()).max().unwrap_or(4);
        let mut by_wave: BTreeMap<u32, Vec<&Step>> = BTreeMap::new();
        for step in &self.steps {
            by_wave.entry(step.wave).or_default().push(step);
        }
        // Each step's words are written here, then escaped, in one buffer for the whole plan.
        let mut words = String::new();
        for wave in &s.waves {
            let instances = if wave.instances.is_empty() {
                String::new()
            } else {
                format!(": {}", shown(&wave.instances.join(", ")))
            };
            writeln!(
                out,
                "\nwave {} ({}){instances}",
                wave.wave,
                kind_name(wave.kind)
            )?;
            for step in by_wave.get(&wave.wave).into_iter().flatten() {
                words.clear();
                // Writing into a `String` cannot fail.
                let _ = write!(words, "{}", step.description());
                writeln!(
                    out,
                    "  {:>4}  {:<width$}  {:<17}  {}",
                    step.id,
                    shown(&step.host),
                    step.action.kind(),
                    shown(&words)
                )?;
            }
            writeln!(out, "        rollback: {}", shown(&rollback_line(wave)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::{Action, Description};
    use crate::{example, plan, Layout, Policy};

    #[test]
    fn values_cannot_forge_lines_or_send_escapes() {
        let (current, desired) = example::demo_upgrade();
        let mut p = plan(
            Some(&Layout::resolve(&current)),
            &Layout::resolve(&desired),
            &Policy::default(),
        )
        .unwrap();
        // Every line the header can have is there, with harmless values, before forging.
        p.summary.notes.push("a note".into());
        p.summary.mongo_path.push("7.0".into());
        p.summary.waves[1].rollback_reason = Some("a reason".into());
        let lines = p.to_text().lines().count();
        // Words written from the action carry its values: a forged instance id.
        p.steps[0].action = Action::StopUnit {
            unit: "rocketchat@3000.service".into(),
            instance: Some("app1:3000\nwave 9 (forged)\u{1b}[2J".into()),
        };
        p.steps[0].description = Description::OfAction;
        p.steps[1].description = "stop\nwave 9 (forged)\u{1b}[2J".to_string().into();
        p.steps[0].host = "app1\r".into();
        p.summary.to_version = "7.11.0\u{7}".into();
        // The header's and the rollback lines' values: instance ids, paths, reasons.
        p.summary.leader = Some("app1:3000\nwave 9 (forged)".into());
        p.summary.backup = Some("/var/backups/x\u{1b}[2J".into());
        p.summary.notes[0] = "note\r\nwave 9 (forged)".into();
        p.summary.mongo_path[0] = "7.0\n".into();
        p.summary.waves[1].rollback_reason = Some("reason\nwave 9 (forged)".into());
        let text = p.to_text();
        assert_eq!(text.lines().count(), lines, "{text}");
        assert!(!text.contains(['\u{1b}', '\r', '\u{7}']), "{text}");
        assert!(text.contains(r"stop\nwave 9 (forged)\u{1b}[2J"), "{text}");
        assert!(
            text.contains(r"stop app1:3000\nwave 9 (forged)\u{1b}[2J"),
            "{text}"
        );
    }
}
