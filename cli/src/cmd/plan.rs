//! `rctopo plan`: a zero-downtime rollout from one topology to another, as text, JSON or bash.

use crate::input;
use crate::output::{self, out, outln};
use rocketchat_topology::output_dir::OutputDir;
use rocketchat_topology::plan::{Budget, CommandSet, PlanError, ShellOptions, ShellScript};
use rocketchat_topology::{example, plan, Layout, Policy, Topology};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    Shell,
}

#[derive(clap::Args)]
pub struct Args {
    /// The deployment as it runs now. Omit with --to for a fresh install; omit both for the demo
    /// (the built-in example upgraded to a newer Rocket.Chat).
    #[arg(long)]
    from: Option<PathBuf>,
    /// The deployment as it should be.
    #[arg(long)]
    to: Option<PathBuf>,
    /// Instances out of service at once: a count or a percentage of the current ones (`25%`).
    #[arg(long, value_parser = parse_budget)]
    max_unavailable: Option<Budget>,
    /// Extra instances started on spare ports first: a count or a percentage.
    #[arg(long, value_parser = parse_budget)]
    max_surge: Option<Budget>,
    /// Instances restarted first, followed by a manual gate.
    #[arg(long)]
    canary: Option<u32>,
    /// Skip the database dump before an upgrade's first instance migrates it; the plan says so,
    /// and refuses every rollback past that point.
    #[arg(long)]
    no_backup: bool,
    /// A policy file (TOML, YAML or JSON) with every field of the rollout policy; flags win over it.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// A command set (TOML, YAML or JSON) replacing systemctl/proxy commands in the shell output.
    #[arg(long)]
    commands: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    /// Shell: one script that reaches every machine over ssh, instead of one per machine.
    #[arg(long)]
    ssh: bool,
    /// Shell: write every script (and the rollback scripts) into this directory.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn parse_budget(s: &str) -> Result<Budget, String> {
    s.parse()
        .map_err(|e: rocketchat_topology::plan::BudgetError| e.to_string())
}

/// Exit 0: plan printed; 1: the planner refused; 2: unusable input.
pub fn run(args: Args) -> u8 {
    match plan_and_print(&args) {
        Ok(()) => 0,
        Err(code) => code,
    }
}

fn plan_and_print(args: &Args) -> Result<(), u8> {
    let (current, desired) = topologies(args)?;
    let policy = policy(args)?;
    let current = current.as_ref().map(Layout::resolve);
    let desired = Layout::resolve(&desired);
    let plan = plan(current.as_ref(), &desired, &policy).map_err(|e| {
        if let PlanError::DesiredHasErrors { report } = &e {
            let file = desired.topology.provenance.source.file.as_deref();
            output::print_report_text(report, file, None);
        }
        output::error(&e.to_string());
        1
    })?;
    match args.format {
        PlanFormat::Text => output::stream_stdout(|out| plan.write_text(out)),
        PlanFormat::Json => output::stream_stdout(|out| plan.write_json(out)),
        PlanFormat::Shell => print_shell(args, &plan, &desired)?,
    }
    Ok(())
}

fn topologies(args: &Args) -> Result<(Option<Topology>, Topology), u8> {
    match (&args.from, &args.to) {
        (None, None) => {
            let (current, desired) = example::demo_upgrade();
            Ok((Some(current), desired))
        }
        (from, to) => {
            let current = from.as_deref().map(|f| input::load(Some(f))).transpose()?;
            let desired = input::load(to.as_deref())?;
            Ok((current, desired))
        }
    }
}

fn policy(args: &Args) -> Result<Policy, u8> {
    let mut policy: Policy = match &args.policy {
        Some(path) => Policy::load(path).map_err(unusable)?,
        None => Policy::default(),
    };
    if let Some(b) = args.max_unavailable {
        policy.max_unavailable = b;
    }
    if let Some(b) = args.max_surge {
        policy.max_surge = b;
    }
    if let Some(c) = args.canary {
        policy.canary = c;
    }
    if args.no_backup {
        policy.backup = false;
    }
    Ok(policy)
}

/// Prints a settings file's error; exit 2.
fn unusable(e: rocketchat_topology::LoadError) -> u8 {
    output::error(&e.to_string());
    crate::EXIT_UNUSABLE
}

fn print_shell(args: &Args, plan: &rocketchat_topology::Plan, desired: &Layout) -> Result<(), u8> {
    let commands: CommandSet = match &args.commands {
        Some(path) => CommandSet::load(path).map_err(unusable)?,
        None => CommandSet::default(),
    };
    let options = ShellOptions {
        ssh: args.ssh,
        commands,
    };
    let scripts = plan.to_shell(desired, &options);
    match &args.out {
        Some(dir) => write_scripts(dir, &scripts),
        None => match stdout_text(&scripts) {
            Ok(text) => {
                out!("{text}");
                Ok(())
            }
            Err(message) => {
                output::error(&message);
                Err(crate::EXIT_UNUSABLE)
            }
        },
    }
}

/// The shell plan for stdout: the one forward script, then every rollback script as a commented
/// block under a header of its own, so piping the output to bash runs the rollout only while the
/// rollbacks stay at hand (`--out DIR` writes them as files).
fn stdout_text(scripts: &[ShellScript]) -> Result<String, String> {
    let forward: Vec<_> = scripts.iter().filter(|s| !s.rollback).collect();
    let [one] = forward.as_slice() else {
        return Err(format!(
            "the plan runs on {} machines in turn: pass --out DIR to write one script per part, or --ssh for one script",
            forward.len()
        ));
    };
    let mut text = one.text.clone();
    let rollbacks: Vec<_> = scripts.iter().filter(|s| s.rollback).collect();
    if !rollbacks.is_empty() {
        text.push_str(&format!(
            "\n# ===== {} rollback script(s) follow, commented out: none runs with this script. =====\n\
             # If a wave fails, save its rollback without the leading `# ` and run it\n\
             # (or pass --out DIR to get every script as a file).\n",
            rollbacks.len()
        ));
    }
    for script in rollbacks {
        let on = script
            .host
            .as_deref()
            .map_or(String::new(), |h| format!(", run on {h}"));
        text.push_str(&format!("\n# ===== {}{on} =====\n", script.name));
        for line in script.text.lines() {
            text.push_str(if line.is_empty() { "#" } else { "# " });
            text.push_str(line);
            text.push('\n');
        }
    }
    Ok(text)
}

/// Every script, executable, into `dir` (see `OutputDir` for how files are written safely).
fn write_scripts(dir: &Path, scripts: &[ShellScript]) -> Result<(), u8> {
    let written = OutputDir::open(dir).and_then(|out| {
        scripts.iter().try_for_each(|script| {
            let path = out.write(Path::new(&script.name), script.text.as_bytes(), 0o755)?;
            outln!("{}", path.display());
            Ok(())
        })
    });
    written.map_err(|e| {
        output::error(&e.to_string());
        crate::EXIT_UNUSABLE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(from: Option<&str>, to: Option<&str>) -> Args {
        Args {
            from: from.map(PathBuf::from),
            to: to.map(PathBuf::from),
            max_unavailable: None,
            max_surge: None,
            canary: None,
            no_backup: false,
            policy: None,
            commands: None,
            format: PlanFormat::Text,
            ssh: false,
            out: None,
        }
    }

    #[test]
    fn the_demo_upgrades_the_built_in_example() {
        let (current, desired) = topologies(&args(None, None)).unwrap();
        let current = current.unwrap();
        assert_eq!(current.rocketchat.version, "7.10.0");
        assert_eq!(desired.rocketchat.version, example::DEMO_UPGRADE_VERSION);
        let plan = plan(
            Some(&Layout::resolve(&current)),
            &Layout::resolve(&desired),
            &Policy::default(),
        )
        .unwrap();
        assert_eq!(plan.summary.restart_waves, 3);
    }

    /// The demo's scripts: one over ssh, with its rollbacks.
    fn demo_scripts() -> (Vec<ShellScript>, Layout) {
        let (current, desired) = example::demo_upgrade();
        let desired = Layout::resolve(&desired);
        let plan = plan(
            Some(&Layout::resolve(&current)),
            &desired,
            &Policy::default(),
        )
        .unwrap();
        let options = ShellOptions {
            ssh: true,
            commands: CommandSet::default(),
        };
        (plan.to_shell(&desired, &options), desired)
    }

    #[test]
    fn shell_on_stdout_carries_every_rollback_script_commented_out() {
        let (scripts, _) = demo_scripts();
        let rollbacks: Vec<_> = scripts.iter().filter(|s| s.rollback).collect();
        assert!(!rollbacks.is_empty());
        let text = stdout_text(&scripts).unwrap();
        let forward = scripts.iter().find(|s| !s.rollback).unwrap();
        assert!(text.starts_with(&forward.text));
        let tail = &text[forward.text.len()..];
        for r in &rollbacks {
            assert!(
                tail.contains(&format!("\n# ===== {} =====\n", r.name)),
                "{tail}"
            );
            // A wave sharing an earlier wave's restore runs that wave's script.
            let first_command = r
                .text
                .lines()
                .find(|l| l.starts_with("rct_") || l.starts_with("exec bash "))
                .unwrap();
            assert!(tail.contains(&format!("\n# {first_command}\n")), "{tail}");
        }
        assert!(
            tail.lines().all(|l| l.is_empty() || l.starts_with('#')),
            "nothing after the rollout runs: {tail}"
        );
        let out = std::process::Command::new("bash")
            .args(["-n", "-c", &text])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn shell_on_stdout_refuses_several_machines_in_turn() {
        let (mut scripts, _) = demo_scripts();
        let mut second = scripts[0].clone();
        second.name = "02-app2.sh".into();
        scripts.insert(1, second);
        let err = stdout_text(&scripts).unwrap_err();
        assert!(err.contains("--out DIR"), "{err}");
    }

    #[test]
    fn flags_override_the_policy() {
        let mut a = args(None, None);
        a.max_unavailable = Some(parse_budget("50%").unwrap());
        a.canary = Some(1);
        let p = policy(&a).unwrap();
        assert_eq!(p.max_unavailable, Budget::Percent(50));
        assert_eq!(p.canary, 1);
        assert!(parse_budget("1.5").unwrap_err().contains("not a budget"));
    }
}
