//! A PostgreSQL server of a test's own (initdb into a temporary
//! directory, `pg_ctl` on a free port, trust authentication), so the test
//! can restart it without disturbing the machine's shared server. Run as
//! root, the server runs as the `postgres` user (PostgreSQL refuses root).
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A `postgres` server started with `pg_ctl`; stopped when dropped.
pub struct OwnPostgres {
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
}

/// Where `initdb` and `pg_ctl` are: `pg_config --bindir`, else the newest
/// /usr/lib/postgresql/*/bin.
fn bin_dir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("pg_ctl").exists() {
            return dir;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
        .pop()
        .expect("PostgreSQL server binaries (installed by scripts/setup-services)")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl OwnPostgres {
    /// Creates a cluster in a new temporary directory and starts it on `port`.
    pub async fn start(port: u16) -> OwnPostgres {
        let dir = std::env::temp_dir().join(format!("ferrodon-pg-{}", crate::random_suffix()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let pg = OwnPostgres {
            port,
            dir,
            bin: bin_dir(),
        };
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&pg.dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown of {} failed", pg.dir.display());
        }
        let data = pg.data_dir();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        pg.start_server();
        pg
    }

    fn data_dir(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// One of the server's programs, run as `postgres` when we are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        command.current_dir("/").stdin(Stdio::null());
        command
    }

    /// Runs one of the server's programs; panics when it fails.
    fn run(&self, program: &str, args: &[&str]) {
        let out = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("could not run {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start_server(&self) {
        // fsync off: the test kills processes, never the machine.
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    /// `postgres://postgres@127.0.0.1:PORT/NAME`
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates an empty database and applies every migration to it; its URL.
    pub async fn create_migrated(&self, name: &str) -> String {
        let mut conn = ferrodon_core::db::admin::connect_admin(&self.url("postgres"))
            .await
            .expect("connect to the test's PostgreSQL");
        ferrodon_core::db::admin::create_database(&mut conn, name, None)
            .await
            .expect("create database");
        let url = self.url(name);
        ferrodon_core::db::pool::run_migrations(&url)
            .await
            .expect("migrations");
        url
    }

    /// Stops it the hard way (`pg_ctl stop -m immediate`: every backend is
    /// killed, as in a crash; the next start recovers from the WAL).
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data_dir(), "-m", "immediate", "-w", "stop"],
        );
    }

    /// Starts it again after [`OwnPostgres::stop`], on the same port and
    /// data, and waits until it accepts connections.
    pub async fn start_again(&self) {
        self.start_server();
        let deadline = Instant::now() + Duration::from_secs(30);
        while ferrodon_core::db::admin::connect_admin(&self.url("postgres"))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "PostgreSQL did not come back");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The server's log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
