//! Running the release binaries and watching them: environment, psql,
//! ports, spawning and stopping, CPU time and resident memory from /proc.
use std::io::Write as _;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set"))
}

pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs SQL through psql against the benchmark database.
pub fn psql(sql: &str) -> String {
    let mut child = Command::new("psql")
        .args(["-Atq", "-v", "ON_ERROR_STOP=1", &env("DATABASE_URL")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("psql");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "psql failed on: {sql:.300}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A release binary from FERRODON_BIN_DIR, with extra environment.
pub fn spawn(name: &str, extra: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(format!("{}/{name}", env("FERRODON_BIN_DIR")));
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Clock ticks per second, for /proc/PID/stat.
pub fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU seconds (user + system) a process has used so far.
pub fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    (ticks(11) + ticks(12)) / clock_ticks()
}

/// CPU seconds used so far by every process with this command name
/// (`postgres`, `redis-server`).
pub fn cpu_of_named(name: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .map(cpu_secs)
        .sum()
}

/// Where the CPU went over a stretch of time: cores used by each part.
pub struct CpuSplit {
    started: Instant,
    at_start: Vec<f64>,
    pids: Vec<Option<u32>>,
}

impl CpuSplit {
    /// The parts: our processes by pid, PostgreSQL, Redis, this process and
    /// the whole machine.
    pub fn start(pids: &[Option<u32>]) -> CpuSplit {
        let mut split = CpuSplit {
            started: Instant::now(),
            at_start: Vec::new(),
            pids: pids.to_vec(),
        };
        split.at_start = split.now();
        split
    }

    pub fn now(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.pids.iter().map(|p| p.map_or(0.0, cpu_secs)).collect();
        v.push(cpu_of_named("postgres"));
        v.push(cpu_of_named("redis-server"));
        v.push(cpu_secs(std::process::id()));
        v.push(machine_busy_secs());
        v
    }

    /// Cores used by each part since `start`.
    pub fn cores(&self) -> Vec<f64> {
        let wall = self.started.elapsed().as_secs_f64();
        self.now()
            .iter()
            .zip(&self.at_start)
            .map(|(end, start)| (end - start) / wall)
            .collect()
    }
}

/// Busy CPU seconds of the whole machine so far (all cores).
pub fn machine_busy_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let line = stat.lines().next().unwrap_or_default();
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    let busy: f64 = v
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, x)| x)
        .sum();
    busy / clock_ticks()
}

pub async fn wait_for_health(port: u16) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
        {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("ferrodon-web did not come up on {port}");
}

/// Resident memory of a process in KiB (VmRSS), 0 when it is gone.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
