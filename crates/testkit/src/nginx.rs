//! The repository's nginx configuration (`nginx/ferrodon.conf.template`,
//! what `scripts/up` runs) in front of a [`TestApp`], on a free port with
//! everything under a temporary prefix. Stopped on drop.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::app::free_port;
use crate::TestApp;

/// A running nginx.
pub struct Nginx {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    prefix: PathBuf,
    conf: PathBuf,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("repository root")
        .to_path_buf()
}

impl Nginx {
    /// Renders the template for `app` and starts nginx (installed by
    /// scripts/setup-services).
    pub fn start(app: &TestApp) -> Nginx {
        let port = free_port();
        let prefix =
            std::env::temp_dir().join(format!("ferrodon-nginx-{}", crate::random_suffix()));
        for dir in ["logs", "tmp"] {
            std::fs::create_dir_all(prefix.join(dir)).expect("nginx prefix");
        }
        let env = |name: &str| {
            app.env()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let web_port = env("PORT").expect("PORT");
        let streaming_port = env("STREAMING_PORT").unwrap_or_else(|| free_port().to_string());
        let media_root = env("PAPERCLIP_ROOT_PATH").expect("PAPERCLIP_ROOT_PATH");
        std::fs::create_dir_all(&media_root).expect("media root");
        let template = std::fs::read_to_string(repo_root().join("nginx/ferrodon.conf.template"))
            .expect("nginx/ferrodon.conf.template");
        let mut conf = template
            .replace("@HTTP_PORT@", &port.to_string())
            .replace("@WEB_PORT@", &web_port)
            .replace("@STREAMING_PORT@", &streaming_port)
            .replace("@PREFIX@", &prefix.display().to_string())
            .replace("@MEDIA_ROOT@", &media_root);
        // Only a root master can switch users, as scripts/up does.
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if !is_root {
            conf = conf
                .lines()
                .filter(|l| !l.starts_with("user "))
                .collect::<Vec<_>>()
                .join("\n");
        }
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("write nginx.conf");
        let out = Command::new("nginx")
            .arg("-e")
            .arg(prefix.join("logs/error.log"))
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(&prefix)
            .output()
            .expect("nginx (installed by scripts/setup-services)");
        assert!(
            out.status.success(),
            "nginx did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let nginx = Nginx {
            base_url: format!("http://127.0.0.1:{port}"),
            prefix,
            conf: conf_path,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "nginx is not listening"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        nginx
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("nginx")
            .arg("-e")
            .arg(self.prefix.join("logs/error.log"))
            .arg("-c")
            .arg(&self.conf)
            .arg("-p")
            .arg(&self.prefix)
            .args(["-s", "stop"])
            .output();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.prefix);
        }
    }
}
