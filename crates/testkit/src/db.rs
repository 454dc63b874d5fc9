//! `TestDb`: a fresh database per test, cloned from a template that is
//! migrated once per migration set, and dropped when the test ends.
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use ferrodon_core::db::admin;

/// A database that exists for one test.
pub struct TestDb {
    /// Its connection URL.
    pub url: String,
    /// Its name.
    pub name: String,
}

const TEMPLATE_LOCK: i64 = 0x0fe7_70d0;

fn migrations_fingerprint() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    let mut hasher = DefaultHasher::new();
    for e in entries {
        e.file_name().hash(&mut hasher);
        std::fs::read_to_string(e.join("up.sql"))
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    format!("{:x}", hasher.finish())
}

fn url_for(admin_url: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("FERRODON_TEST_DATABASE_URL is a URL");
    url.set_path(name);
    url.to_string()
}

impl TestDb {
    /// Creates the database (and the template first, if needed).
    pub async fn new() -> TestDb {
        let admin_url = crate::admin_database_url();
        // Only the owner (or a superuser) may clone a database, so each role gets its own template.
        let role: String = url::Url::parse(&admin_url)
            .map(|u| {
                u.username()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect()
            })
            .unwrap_or_default();
        let template = format!("ferrodon_tpl_{role}_{}", migrations_fingerprint());
        let mut conn = admin::connect_admin(&admin_url)
            .await
            .expect("connect to PostgreSQL for tests");
        if !admin::database_exists(&mut conn, &template).await.unwrap() {
            admin::advisory_lock(&mut conn, TEMPLATE_LOCK)
                .await
                .unwrap();
            if !admin::database_exists(&mut conn, &template).await.unwrap() {
                let building = format!("{template}_building_{}", crate::random_suffix());
                admin::create_database(&mut conn, &building, None)
                    .await
                    .unwrap();
                ferrodon_core::db::run_migrations(&url_for(&admin_url, &building))
                    .await
                    .unwrap();
                admin::rename_database(&mut conn, &building, &template)
                    .await
                    .unwrap();
            }
            admin::advisory_unlock(&mut conn, TEMPLATE_LOCK)
                .await
                .unwrap();
        }
        let name = format!("ferrodon_test_{}", crate::random_suffix());
        let mut last_err = None;
        for _ in 0..20 {
            match admin::create_database(&mut conn, &name, Some(&template)).await {
                Ok(()) => {
                    last_err = None;
                    break;
                }
                Err(e) => {
                    last_err = Some(e);
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
        if let Some(e) = last_err {
            panic!("could not create test database: {e}");
        }
        TestDb {
            url: url_for(&admin_url, &name),
            name,
        }
    }
}

impl TestDb {
    /// Creates an empty database (no migrations): for data in another
    /// server's schema, such as a Mastodon database to import from.
    pub async fn empty() -> TestDb {
        let admin_url = crate::admin_database_url();
        let mut conn = admin::connect_admin(&admin_url)
            .await
            .expect("connect to PostgreSQL for tests");
        let name = format!("ferrodon_scratch_{}", crate::random_suffix());
        admin::create_database(&mut conn, &name, None)
            .await
            .expect("create an empty test database");
        TestDb {
            url: url_for(&admin_url, &name),
            name,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin_url = crate::admin_database_url();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(mut conn) = admin::connect_admin(&admin_url).await {
                        let _ = admin::drop_database(&mut conn, &name).await;
                    }
                });
            }
        })
        .join();
    }
}
