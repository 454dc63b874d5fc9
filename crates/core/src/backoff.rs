//! Exponential backoff with a cap and jitter, for reconnect loops: the
//! n-th wait is a random duration between half and all of
//! `min(base * 2^n, cap)`, so processes that lost the same server do not
//! come back in lockstep.
use std::time::Duration;

use rand::Rng;

/// The delays of one outage; [`Backoff::reset`] after a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    /// Starts at `base`, doubling up to `cap`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Backoff {
            base,
            cap: cap.max(base),
            attempt: 0,
        }
    }

    /// The wait before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << self.attempt.min(20))
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_micros()).unwrap_or(u64::MAX);
        half + Duration::from_micros(rand::rng().random_range(0..=spread))
    }

    /// Failed attempts since the last reset: 0 means "not in an outage",
    /// which callers use to log an outage once, not per retry.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Back to the first delay.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_stay_under_the_cap_and_vary() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let first = b.next_delay();
        assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
        let second = b.next_delay();
        assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
        // 400 ms, 800 ms, 1.6 s, then the 2 s cap.
        for _ in 0..3 {
            b.next_delay();
        }
        let later: Vec<Duration> = (0..30).map(|_| b.next_delay()).collect();
        assert!(later
            .iter()
            .all(|d| *d >= Duration::from_secs(1) && *d <= Duration::from_secs(2)));
        assert!(later.iter().any(|d| *d != later[0]), "jitter: {later:?}");
        assert_eq!(b.attempts(), 35);
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(100));
    }
}
