use clap::CommandFactory;

/// Prints the rctopo(1) man page (roff) on standard output, e.g.
/// `rctopo man > /usr/local/share/man/man1/rctopo.1`.
pub fn run() -> u8 {
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(crate::Cli::command()).render(&mut page) {
        crate::output::error(&format!("cannot render the man page: {e}"));
        return crate::EXIT_UNUSABLE;
    }
    crate::output::out!("{}", String::from_utf8_lossy(&page));
    0
}
