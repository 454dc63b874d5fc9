//! A Redis server of a test's own, on its own port, so the test can stop,
//! restart or freeze it without disturbing other tests.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `redis-server` child process.
pub struct OwnRedis {
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: Option<PathBuf>,
    child: Child,
}

impl OwnRedis {
    /// Starts one that keeps nothing on disk.
    pub async fn start(port: u16) -> OwnRedis {
        Self::launch(port, None).await
    }

    /// Starts one that writes every command to an append-only file in
    /// `dir` before answering (as production Redis for queues should), so
    /// a restart on the same `dir` keeps all acknowledged writes.
    pub async fn start_durable(port: u16, dir: &Path) -> OwnRedis {
        Self::launch(port, Some(dir.to_path_buf())).await
    }

    async fn launch(port: u16, dir: Option<PathBuf>) -> OwnRedis {
        let port_arg = port.to_string();
        let mut args = vec!["--port", &port_arg, "--bind", "127.0.0.1", "--save", ""];
        let dir_arg = dir.as_ref().map(|d| d.display().to_string());
        match &dir_arg {
            Some(d) => args.extend(["--appendonly", "yes", "--appendfsync", "always", "--dir", d]),
            None => args.extend(["--appendonly", "no"]),
        }
        let child = Command::new("redis-server")
            .args(&args)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (installed by scripts/setup-services)");
        let redis = OwnRedis { port, dir, child };
        redis.wait_ready().await;
        redis
    }

    /// `redis://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(client) = deadpool_redis::redis::Client::open(self.url()) {
                if let Ok(mut conn) = client.get_multiplexed_async_connection().await {
                    let pong: Result<String, _> = deadpool_redis::redis::cmd("PING")
                        .query_async(&mut conn)
                        .await;
                    if pong.is_ok() {
                        return;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server on port {} did not start", self.port);
    }

    /// Kills it (SIGKILL: no chance to save anything) and starts it again
    /// on the same port and directory.
    pub async fn restart(self) -> OwnRedis {
        let (port, dir) = (self.port, self.dir.clone());
        drop(self);
        Self::launch(port, dir).await
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Freezes it (SIGSTOP): connections stay open but nothing is answered.
    pub fn freeze(&self) {
        self.signal("STOP");
    }

    /// Thaws a frozen server (SIGCONT).
    pub fn thaw(&self) {
        self.signal("CONT");
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
