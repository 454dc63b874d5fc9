//! When a failed job runs again: exponential backoff with jitter, and how
//! many attempts before it is given up and kept as dead.
use std::time::Duration;

/// No wait between two attempts is longer than this.
const MAX_DELAY_SECS: f64 = 4.0 * 3600.0;
/// How many dead jobs a queue keeps (newest first).
pub const DEAD_KEEP: isize = 10_000;

/// The wait before attempt number `attempt + 1`, given that attempt number
/// `attempt` (1-based) just failed: `base`, 2×, 4×, … capped at 4 h, each
/// spread by ±25 % so jobs that failed together do not retry together.
/// With the default base (15 s) and 16 attempts a job is retried for about
/// 28 hours.
pub fn backoff(base: Duration, attempt: u32, jitter: f64) -> Duration {
    let exp = base.as_secs_f64() * 2f64.powi(attempt.saturating_sub(1).min(30) as i32);
    let capped = exp.min(MAX_DELAY_SECS);
    let spread = 1.0 + (jitter.clamp(0.0, 1.0) - 0.5) * 0.5;
    Duration::from_secs_f64(capped * spread)
}

/// [`backoff`] with a random jitter.
pub fn backoff_random(base: Duration, attempt: u32) -> Duration {
    backoff(base, attempt, rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(15);

    #[test]
    fn doubles_then_caps() {
        assert_eq!(backoff(BASE, 1, 0.5), Duration::from_secs(15));
        assert_eq!(backoff(BASE, 2, 0.5), Duration::from_secs(30));
        assert_eq!(backoff(BASE, 3, 0.5), Duration::from_secs(60));
        assert_eq!(backoff(BASE, 20, 0.5), Duration::from_secs(4 * 3600));
        assert_eq!(backoff(BASE, u32::MAX, 0.5), Duration::from_secs(4 * 3600));
    }

    #[test]
    fn jitter_spreads_a_quarter_either_way() {
        assert_eq!(backoff(BASE, 1, 0.0), Duration::from_secs_f64(11.25));
        assert_eq!(backoff(BASE, 1, 1.0), Duration::from_secs_f64(18.75));
    }

    #[test]
    fn sixteen_attempts_span_about_a_day() {
        let total: f64 = (1..16).map(|a| backoff(BASE, a, 0.5).as_secs_f64()).sum();
        assert!((20.0 * 3600.0..36.0 * 3600.0).contains(&total), "{total}");
    }
}
