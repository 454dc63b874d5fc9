//! `TestApp`: the real `ferrodon-web` binary on a free port, against its own
//! database and Redis namespace, plus an in-process `AppState` on the same
//! database for arranging data.
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ferrodon_core::{AppState, Config};

use crate::mail::{self, Mail, SmtpSink};
use crate::TestDb;

/// Where the workspace binaries are: FERRODON_BIN_DIR, or next to the test executable.
pub fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("FERRODON_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().expect("test executable directory");
    if dir.ends_with("deps") {
        dir.parent()
            .expect("target profile directory")
            .to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

/// Environment of a test instance.
pub fn instance_env(db_url: &str, port: u16, namespace: &str) -> Vec<(String, String)> {
    [
        ("LOCAL_DOMAIN", format!("127.0.0.1:{port}")),
        ("FERRODON_DEV_ALLOW_HTTP", "true".into()),
        ("DATABASE_URL", db_url.to_owned()),
        ("DB_POOL", "4".into()),
        ("REDIS_URL", crate::redis_url()),
        ("REDIS_NAMESPACE", namespace.to_owned()),
        (
            "SECRET_KEY_BASE",
            "test-secret-key-base-0123456789abcdef0123456789".into(),
        ),
        ("BIND", "127.0.0.1".into()),
        ("PORT", port.to_string()),
        ("WEB_CONCURRENCY", "1".into()),
        (
            "RUST_LOG",
            std::env::var("FERRODON_TEST_LOG").unwrap_or_else(|_| "warn".into()),
        ),
        ("SMTP_FROM_ADDRESS", "notifications@ferrodon.test".into()),
        (
            "FERRODON_MAIL_DIR",
            std::env::temp_dir()
                .join(format!("ferrodon-mail-{namespace}"))
                .display()
                .to_string(),
        ),
        (
            "PAPERCLIP_ROOT_PATH",
            std::env::temp_dir()
                .join(format!("ferrodon-media-{namespace}"))
                .display()
                .to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Runs `ferrodonctl ARGS` with exactly the environment `env`.
pub fn run_ctl_with(env: &[(String, String)], args: &[&str]) -> std::process::Output {
    let binary = bin_dir().join("ferrodonctl");
    Command::new(&binary)
        .args(args)
        .env_clear()
        .envs(env.iter().cloned())
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", binary.display()))
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running ferrodon-web with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// State on the same database and Redis namespace, for arranging data.
    pub state: AppState,
    /// HTTP client that does not follow redirects.
    pub client: reqwest::Client,
    /// `ws://127.0.0.1:PORT` of ferrodon-streaming, when started with [`TestApp::spawn_with_streaming`].
    pub streaming_url: Option<String>,
    child: Child,
    worker: Child,
    streaming: Option<Child>,
    env: Vec<(String, String)>,
    log: PathBuf,
    smtp: Option<SmtpSink>,
    _db: TestDb,
}

impl TestApp {
    /// Starts an instance with default settings.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// Starts an instance and its streaming server, with extra environment variables for both.
    pub async fn spawn_with_streaming(extra: &[(&str, &str)]) -> TestApp {
        let mut app = Self::spawn_with(extra).await;
        let port = free_port();
        let mut env = app.env.clone();
        env.push(("STREAMING_PORT".into(), port.to_string()));
        let binary = bin_dir().join("ferrodon-streaming");
        let child = Command::new(&binary)
            .env_clear()
            .envs(env)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
        app.streaming = Some(child);
        let health = format!("http://127.0.0.1:{port}/api/v1/streaming/health");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(resp) = app.client.get(&health).send().await {
                if resp.status().is_success() {
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "ferrodon-streaming did not become healthy"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        app.streaming_url = Some(format!("ws://127.0.0.1:{port}"));
        app
    }

    /// Waits until some process subscribes to a Redis stream channel (e.g. `timeline:public`).
    pub async fn wait_for_subscriber(&self, channel: &str) {
        let full = self.state.redis_key(channel);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut conn = self.state.redis().await.expect("redis");
            let counts: Vec<(String, i64)> =
                ferrodon_core::streaming::redis_numsub(&mut conn, &full).await;
            if counts.iter().any(|(_, n)| *n > 0) {
                return;
            }
            assert!(Instant::now() < deadline, "nobody subscribed to {full}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts an instance with extra environment variables.
    pub async fn spawn_with(extra: &[(&str, &str)]) -> TestApp {
        Self::spawn_on(TestDb::new().await, extra).await
    }

    /// Starts an instance on a database the test prepared (e.g. restored
    /// from a backup), with extra environment variables.
    pub async fn spawn_on(db: TestDb, extra: &[(&str, &str)]) -> TestApp {
        let port = free_port();
        let namespace = format!("test_{}", crate::random_suffix());
        let mut env = instance_env(&db.url, port, &namespace);
        for (k, v) in extra {
            env.retain(|(name, _)| name != k);
            env.push(((*k).to_owned(), (*v).to_owned()));
        }
        let config = Config::from_vars(env.clone()).expect("test configuration");
        let env_for_streaming = env.clone();
        let state = AppState::new(config).expect("test state");
        let log = std::env::temp_dir().join(format!("ferrodon-web-{namespace}.log"));
        // The web process's log (tracing writes to stdout) and any panic
        // (stderr) both go to the log file, which tests may read.
        let log_file = std::fs::File::create(&log).ok();
        let stdout = log_file
            .as_ref()
            .and_then(|f| f.try_clone().ok())
            .map_or_else(Stdio::null, Stdio::from);
        let stderr = log_file.map_or_else(Stdio::null, Stdio::from);
        let binary = bin_dir().join("ferrodon-web");
        let child = Command::new(&binary)
            .env_clear()
            .envs(env)
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "could not start {}: {e} (run `cargo build --workspace --bins` first)",
                    binary.display()
                )
            });
        let worker = spawn_worker(&env_for_streaming, WORKER_QUEUES);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        let app = TestApp {
            base_url: format!("http://127.0.0.1:{port}"),
            state,
            client,
            streaming_url: None,
            child,
            worker,
            streaming: None,
            env: env_for_streaming,
            log: log.clone(),
            smtp: None,
            _db: db,
        };
        app.wait_healthy(&log).await;
        app
    }

    async fn wait_healthy(&self, log: &std::path::Path) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(resp) = self.client.get(self.url("/health")).send().await {
                if resp.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let output = std::fs::read_to_string(log).unwrap_or_default();
        panic!("ferrodon-web did not become healthy:\n{output}");
    }

    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// GET with a bearer token.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// POST a form with a bearer token.
    pub async fn post_form(
        &self,
        path: &str,
        token: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// POST JSON with a bearer token.
    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }
}

/// The queues the worker of every [`TestApp`] runs (all but the scheduler,
/// whose tests start their own).
pub const WORKER_QUEUES: &str = "default,mailers,push,pull,ingress";

/// Starts `ferrodon-default --queues QUEUES` with an instance's
/// environment. Its log goes to FERRODON_TEST_WORKER_LOG when that is set.
pub fn spawn_worker(env: &[(String, String)], queues: &str) -> Child {
    let binary = bin_dir().join("ferrodon-default");
    let log = || {
        std::env::var("FERRODON_TEST_WORKER_LOG")
            .ok()
            .and_then(|path| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .ok()
            })
            .map_or_else(Stdio::null, Stdio::from)
    };
    Command::new(&binary)
        .arg("--queues")
        .arg(queues)
        .env_clear()
        .envs(env.iter().cloned())
        .stdout(log())
        .stderr(log())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()))
}

impl TestApp {
    /// Starts an instance that sends e-mail to the run's SMTP sink, or
    /// prints why not and returns None when `FERRODON_TEST_SMTP_PORT` is
    /// unset (`scripts/test` always sets it).
    pub async fn spawn_with_smtp(extra: &[(&str, &str)]) -> Option<TestApp> {
        let Some(sink) = SmtpSink::from_env() else {
            eprintln!("{}", mail::SKIP_REASON);
            return None;
        };
        let smtp_env = sink.instance_env();
        let mut all: Vec<(&str, &str)> = smtp_env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        all.extend_from_slice(extra);
        let mut app = Self::spawn_with(&all).await;
        app.smtp = Some(sink);
        Some(app)
    }

    /// Where this instance's e-mails end up: the SMTP sink's maildir, or
    /// the file mailer's directory.
    pub fn mail_dir(&self) -> PathBuf {
        match &self.smtp {
            Some(sink) => sink.maildir.clone(),
            None => self
                .env
                .iter()
                .find(|(k, _)| k == "FERRODON_MAIL_DIR")
                .map(|(_, v)| PathBuf::from(v))
                .expect("FERRODON_MAIL_DIR in the test environment"),
        }
    }

    /// Every e-mail received so far for `address`, oldest first.
    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        mail::read_dir(&self.mail_dir())
            .into_iter()
            .filter(|m| m.is_to(address))
            .collect()
    }

    /// Waits for the `n`-th (1-based) e-mail to `address` and returns it.
    pub async fn nth_mail_to(&self, address: &str, n: usize) -> Mail {
        self.eventually(&format!("e-mail #{n} to {address}"), || async {
            self.mails_to(address).into_iter().nth(n - 1)
        })
        .await
    }

    /// The environment the instance's processes run with.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// What `ferrodon-web` has logged so far (at the level `RUST_LOG`
    /// gives it; `warn` unless the test or FERRODON_TEST_LOG says otherwise).
    pub fn web_log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Runs `ferrodonctl ARGS` against this instance; returns its standard
    /// output, panicking with its standard error when it fails.
    pub fn ctl(&self, args: &[&str]) -> String {
        let out = self.run_ctl(args);
        assert!(
            out.status.success(),
            "ferrodonctl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `ferrodonctl ARGS` expecting it to fail; returns its standard
    /// error.
    pub fn ctl_fails(&self, args: &[&str]) -> String {
        let out = self.run_ctl(args);
        assert!(
            !out.status.success(),
            "ferrodonctl {} succeeded: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn run_ctl(&self, args: &[&str]) -> std::process::Output {
        run_ctl_with(&self.env, args)
    }

    /// Polls `check` every 50 ms until it returns Some, for up to 10 s:
    /// for effects that background jobs produce.
    pub async fn eventually<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(value) = check().await {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = self.worker.kill();
        let _ = self.worker.wait();
        if let Some(child) = &mut self.streaming {
            let _ = child.kill();
            let _ = child.wait();
        }
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
        if self.smtp.is_none() {
            let _ = std::fs::remove_dir_all(self.mail_dir());
        }
        if let Some((_, dir)) = self.env.iter().find(|(k, _)| k == "PAPERCLIP_ROOT_PATH") {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
