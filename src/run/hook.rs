//! The failure hook: the command the pipeline file names under `[monitoring] on_failure`,
//! run once when a run ends other than `done`, as `program args… <outcome> <run id>
//! <manifest>` (and `TREEM_OUTCOME`, `TREEM_RUN_ID`, `TREEM_MANIFEST` in its environment).
//! Nothing it does changes the run's outcome or exit code: a hook that cannot start, fails
//! or hangs is reported in the log, and one still running at its time limit is stopped —
//! its whole process group, so a shell script's children go with it.
//!
//! Its output is kept in `runs/<run id>.hook.log` beside the run's record and its first
//! lines are repeated in the log; a file rather than a pipe, so that a grandchild left
//! holding the pipe cannot keep the run waiting.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::config::Hook;
use crate::log::{debug, warning};

/// Lines of the hook's output repeated in the log; the rest stay in its log file.
const ECHOED_LINES: usize = 20;
/// How long a hook has to end after SIGTERM, at its time limit, before SIGKILL.
const GRACE: Duration = Duration::from_secs(2);
/// How often the hook is looked at while it runs.
const POLL: Duration = Duration::from_millis(20);

/// What the hook is told.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    /// `failed` or `quality_gate_failed`.
    pub outcome: &'a str,
    pub run_id: &'a str,
    /// The run's record, `runs/<run id>.json`, absolute.
    pub manifest: PathBuf,
    /// Where its stdout and stderr go.
    pub output: PathBuf,
}

/// How the hook ended.
#[derive(Debug)]
pub enum Ended {
    Exited(ExitStatus),
    /// Stopped at its time limit.
    TimedOut,
    /// It could not be started (or waited for).
    NotStarted(std::io::Error),
}

/// Runs `hook` for `call`, waits at most its time limit, and reports in `log`.
pub fn run(hook: &Hook, call: &Call, log: &mut dyn FnMut(&str)) -> Ended {
    let clock = Instant::now();
    log(&format!(
        "Running the failure hook {} (outcome {}, run {}).",
        hook.program.display(),
        call.outcome,
        call.run_id
    ));
    let ended = match start(hook, call) {
        Ok(child) => wait(child, hook.timeout),
        Err(e) => Ended::NotStarted(e),
    };
    let took = clock.elapsed().as_secs_f64();
    match &ended {
        Ended::Exited(status) if status.success() => {
            log(&format!("The failure hook ended after {took:.1} s."))
        }
        Ended::Exited(status) => log(&warning(&format!(
            "The failure hook {} ended with {status} after {took:.1} s; the run's outcome stands.",
            hook.program.display()
        ))),
        Ended::TimedOut => log(&warning(&format!(
            "The failure hook {} was still running after its {} s limit and was stopped; \
             the run's outcome stands.",
            hook.program.display(),
            hook.timeout.as_secs()
        ))),
        Ended::NotStarted(e) => log(&warning(&format!(
            "The failure hook {} could not be run: {e}.",
            hook.program.display()
        ))),
    }
    if !matches!(ended, Ended::NotStarted(_)) {
        echo_output(&call.output, log);
    }
    ended
}

fn start(hook: &Hook, call: &Call) -> std::io::Result<Child> {
    let output = std::fs::File::create(&call.output)?;
    let errors = output.try_clone()?;
    let mut command = Command::new(&hook.program);
    command
        .args(&hook.args)
        .arg(call.outcome)
        .arg(call.run_id)
        .arg(&call.manifest)
        .env("TREEM_OUTCOME", call.outcome)
        .env("TREEM_RUN_ID", call.run_id)
        .env("TREEM_MANIFEST", &call.manifest)
        // The secret never goes to a notification script.
        .env_remove(crate::secret_key::SECRET_ENV)
        .stdin(Stdio::null())
        .stdout(output)
        .stderr(errors);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    command.spawn()
}

/// Waits for `child` until `limit`, then stops it: SIGTERM to its group, SIGKILL after
/// a grace. Polling `try_wait` keeps this free of a process-wide SIGCHLD handler.
fn wait(mut child: Child, limit: Duration) -> Ended {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ended::Exited(status),
            Ok(None) if Instant::now() >= deadline => break,
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => return Ended::NotStarted(e),
        }
    }
    signal_group(&child, false);
    let grace = Instant::now() + GRACE;
    while Instant::now() < grace {
        if let Ok(Some(_)) = child.try_wait() {
            signal_group(&child, true);
            return Ended::TimedOut;
        }
        std::thread::sleep(POLL);
    }
    signal_group(&child, true);
    let _ = child.kill();
    let _ = child.wait();
    Ended::TimedOut
}

/// Stops the hook's process group (the hook and whatever it started), or the hook alone
/// where process groups cannot be signalled.
fn signal_group(child: &Child, kill: bool) {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{kill_process_group, Pid, Signal};
        let signal = if kill { Signal::KILL } else { Signal::TERM };
        let _ = kill_process_group(Pid::from_child(child), signal);
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (child, kill);
    }
}

/// The first lines of the hook's output, as debug detail of the run's log.
fn echo_output(path: &Path, log: &mut dyn FnMut(&str)) {
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(ECHOED_LINES) {
        log(&debug(&format!("hook: {line}")));
    }
    if lines.len() > ECHOED_LINES {
        log(&debug(&format!(
            "hook: … {} more lines in {}",
            lines.len() - ECHOED_LINES,
            path.display()
        )));
    }
}
