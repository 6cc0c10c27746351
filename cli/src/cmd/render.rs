use crate::input;
use crate::output::{self, out, outln};
use rocketchat_topology::output_dir::{OutputDir, OutputError};
use rocketchat_topology::render::{render_with, RenderError, RenderOptions, RenderedFile, Target};
use rocketchat_topology::Layout;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Topology file (.toml, .yaml, .json). Omit to render the built-in example.
    file: Option<PathBuf>,
    /// systemd, nginx, apache, haproxy, mongod, mermaid or all.
    #[arg(long, short)]
    target: String,
    /// Write the files to DIR/<host>/<install path>, with their modes, instead of printing them.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Render these instances (e.g. `app1:3001`) as drained. Repeatable.
    #[arg(long = "drain", value_name = "INSTANCE")]
    drained: Vec<String>,
    /// Print environment files (they hold secrets) on standard output too.
    #[arg(long)]
    show_secrets: bool,
}

/// Exit 0: rendered; 1: the topology has errors; 2: unusable input or output.
pub fn run(args: Args) -> u8 {
    let target: Target = match args.target.parse() {
        Ok(t) => t,
        Err(e) => {
            output::error(&format!("--target: {e}"));
            return crate::EXIT_UNUSABLE;
        }
    };
    let topology = match input::load(args.file.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let layout = Layout::resolve(&topology);
    let options = RenderOptions {
        drained: args.drained.into_iter().collect(),
    };
    let files = match render_with(&layout, target, &options) {
        Ok(files) => files,
        Err(RenderError::CheckFailed { report }) => {
            let file = topology.provenance.source.file.clone();
            output::print_report_text(&report, file.as_deref(), None);
            output::error("the topology has errors: nothing was rendered");
            return 1;
        }
        Err(e) => {
            output::error(&e.to_string());
            return crate::EXIT_UNUSABLE;
        }
    };
    match &args.out {
        Some(dir) => write_all(dir, &files),
        None => {
            print_all(&files, args.show_secrets);
            0
        }
    }
}

fn print_all(files: &[RenderedFile], show_secrets: bool) {
    for (n, f) in files.iter().enumerate() {
        if n > 0 {
            outln!();
        }
        outln!("==> {}:{} (mode {:04o}) <==", f.host, f.path, f.mode);
        if f.holds_secrets() && !show_secrets {
            outln!("# contents withheld: this file holds secrets; write it with --out DIR or pass --show-secrets");
        } else {
            out!("{}", f.contents);
        }
    }
}

fn write_all(dir: &Path, files: &[RenderedFile]) -> u8 {
    let written = OutputDir::open(dir).and_then(|out| {
        files.iter().try_for_each(|f| {
            let relative = f.out_path().map_err(|e| OutputError {
                path: f.path.clone(),
                problem: e.to_string(),
            })?;
            let path = out.write(&relative, f.contents.as_bytes(), f.mode)?;
            outln!("wrote {} (mode {:04o})", path.display(), f.mode);
            Ok(())
        })
    });
    match written {
        Ok(()) => 0,
        Err(e) => {
            output::error(&e.to_string());
            crate::EXIT_UNUSABLE
        }
    }
}
