//! The instance's processes as a supervisor sees them: spawned from the
//! built binaries, killed (SIGKILL) or stopped (SIGTERM) on purpose and
//! started again, and checked for exits nobody asked for.
use std::fs::OpenOptions;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use ferrodon_testkit::app::bin_dir;

/// One supervised process.
pub struct Proc {
    /// A short name for the report (`web`, `worker-push`, …).
    pub name: String,
    binary: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    log: PathBuf,
    child: Child,
    /// Times it was started again after a kill or stop.
    pub restarts: u32,
}

impl Proc {
    /// Starts `binary args` with `env`; its output is appended to `log`.
    pub fn spawn(
        name: &str,
        binary: &str,
        args: &[&str],
        env: Vec<(String, String)>,
        log: PathBuf,
    ) -> Proc {
        let binary = bin_dir().join(binary);
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let child = launch(&binary, &args, &env, &log);
        Proc {
            name: name.to_owned(),
            binary,
            args,
            env,
            log,
            child,
            restarts: 0,
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// True while it runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits up to `within` for it to exit; its exit status,
    /// or None when it did not exit in time (it is then killed).
    pub fn terminate(&mut self, within: Duration) -> Option<ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
        None
    }

    /// Starts it again, as a supervisor would after it died.
    pub fn restart(&mut self) {
        self.child = launch(&self.binary, &self.args, &self.env, &self.log);
        self.restarts += 1;
    }

    /// The last lines of its log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

fn launch(binary: &PathBuf, args: &[String], env: &[(String, String)], log: &PathBuf) -> Child {
    let output = || {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null())
    };
    Command::new(binary)
        .args(args)
        .env_clear()
        .envs(env.iter().cloned())
        .stdout(output())
        .stderr(output())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "could not start {}: {e} (run `cargo build --workspace --bins` first)",
                binary.display()
            )
        })
}
