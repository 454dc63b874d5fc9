//! The per-domain key-fetch budget is a sliding sixty-second window: a
//! burst that straddles a minute boundary gets one budget, not two, and a
//! unit comes back sixty seconds after it was spent. Against real Redis,
//! with the clock passed in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ferrodon_core::federation::key_fetches::spend_budget;
use ferrodon_core::{AppState, Config};
use ferrodon_testkit::app::instance_env;

fn state(budget: &str) -> AppState {
    let ns = format!("budget_{}", ferrodon_testkit::random_suffix());
    // No query is made: the database URL only has to parse.
    let mut env = instance_env(&ferrodon_testkit::admin_database_url(), 1, &ns);
    env.push(("FERRODON_KEY_FETCH_BUDGET".into(), budget.into()));
    AppState::new(Config::from_vars(env).unwrap()).unwrap()
}

#[tokio::test]
async fn a_burst_across_a_minute_boundary_gets_one_budget() {
    let state = state("5");
    // Five fetches in the last second of one minute…
    let end_of_minute = 1_800_000_059_500;
    for n in 0..5 {
        assert!(
            spend_budget(&state, "peer.example", end_of_minute + n)
                .await
                .unwrap(),
            "fetch {n} within the budget"
        );
    }
    assert!(!spend_budget(&state, "peer.example", end_of_minute + 10)
        .await
        .unwrap());
    // …leave none for the first seconds of the next.
    for ms in [600, 1_000, 30_000, 59_000] {
        assert!(
            !spend_budget(&state, "peer.example", end_of_minute + ms)
                .await
                .unwrap(),
            "{ms} ms later the window still holds five fetches"
        );
    }
    // Another domain has its own budget.
    assert!(spend_budget(&state, "other.example", end_of_minute + 20)
        .await
        .unwrap());
    // Sixty seconds after the first was spent, a unit is free again, one.
    assert!(spend_budget(&state, "peer.example", end_of_minute + 60_000)
        .await
        .unwrap());
    assert!(
        !spend_budget(&state, "peer.example", end_of_minute + 60_000)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn refused_attempts_spend_nothing() {
    let state = state("2");
    let t0 = 1_800_000_000_000;
    assert!(spend_budget(&state, "peer.example", t0).await.unwrap());
    assert!(spend_budget(&state, "peer.example", t0 + 1).await.unwrap());
    // A flood of refused attempts during the window…
    for n in 0..50 {
        assert!(!spend_budget(&state, "peer.example", t0 + 2 + n)
            .await
            .unwrap());
    }
    // …does not push the budget's return later.
    assert!(spend_budget(&state, "peer.example", t0 + 60_001)
        .await
        .unwrap());
}
