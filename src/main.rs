//! The `treem` binary: parse the command line, run, map the outcome to an exit code.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = treem::cli::Cli::parse();
    match treem::cli::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            treem::cli::progress::error(&e.to_string());
            ExitCode::from(e.exit_code())
        }
    }
}

/// A reader that stops early (`treem status | head`) closes the pipe, and `println!` then
/// panics: stop quietly with the status a shell gives a process killed by SIGPIPE, as Unix
/// tools do, rather than print a panic and a backtrace. Every other panic is reported.
fn quiet_on_closed_pipe() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("Broken pipe") {
            std::process::exit(141);
        }
        report(info)
    }));
}
