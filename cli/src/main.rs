//! `rctopo`: the command-line front end. Argument parsing and printing only; every decision is
//! made by the `rocketchat-topology` crate.

mod cmd;
mod input;
mod output;
mod report;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code: input could not be used (unreadable file, bad arguments).
pub const EXIT_UNUSABLE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "rctopo",
    version,
    about = "Check, render and plan multi-instance Rocket.Chat deployments"
)]
struct Cli {
    /// When to colour the output; `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl From<ColorWhen> for anstream::ColorChoice {
    fn from(c: ColorWhen) -> Self {
        match c {
            // anstream's Auto honours NO_COLOR and CLICOLOR_FORCE and asks whether it is a terminal.
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a topology file (the built-in example when FILE is omitted).
    Check(cmd::check::Args),
    /// Print the JSON Schema of the topology file.
    Schema,
    /// Write a commented starter topology.
    Init(cmd::init::Args),
    /// List every rule the checker applies.
    Rules(cmd::rules::Args),
    /// Render configuration files (systemd, nginx, apache, haproxy, mongod, mermaid, all).
    Render(cmd::render::Args),
    /// Plan a zero-downtime rollout (the built-in example's upgrade when no file is given).
    Plan(cmd::plan::Args),
    /// Check a MONGO_URL (and MONGO_OPLOG_URL) the way Rocket.Chat's driver reads it.
    MongoUrl(cmd::mongo_url::Args),
    /// Ask the running MongoDB replica set and judge what it says (every member, directly).
    Probe(cmd::probe::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::Args),
    /// Print the rctopo(1) man page (roff).
    Man,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_UNUSABLE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    anstream::ColorChoice::from(cli.color).write_global();
    let code = match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Schema => cmd::schema::run(),
        Command::Init(args) => cmd::init::run(args),
        Command::Rules(args) => cmd::rules::run(args),
        Command::Render(args) => cmd::render::run(args),
        Command::Plan(args) => cmd::plan::run(args),
        Command::MongoUrl(args) => cmd::mongo_url::run(args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Completions(args) => cmd::completions::run(args),
        Command::Man => cmd::man::run(),
    };
    ExitCode::from(output::exit_code(code))
}
