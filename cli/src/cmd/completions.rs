use clap::CommandFactory;

#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete for (source the output from its startup file or completion dir).
    shell: clap_complete::Shell,
}

/// Prints the completion script of `shell` for every subcommand, flag and value.
pub fn run(args: Args) -> u8 {
    let mut command = crate::Cli::command();
    // Generated into memory first: clap_complete panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "rctopo", &mut script);
    crate::output::out!("{}", String::from_utf8_lossy(&script));
    0
}
