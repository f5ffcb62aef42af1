//! The large-body budget: a response body parsed as JSON (or into the validator's model) costs
//! up to ~20 times its size in memory, so a 32 MiB body costs ~600 MB. Bodies over
//! [`LARGE_BODY_BYTES`] are worked on by one test at a time: the first such body a test meets
//! makes it wait for the run's single large-body permit, which it then holds until it ends.
//! Small bodies never wait.
//!
//! A test holding the permit never waits for another test (tests wait for the tests they need
//! before they start), so the permit cannot deadlock. Outside a test (the data phase), bodies
//! are not gated: that phase sends one request at a time.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bodies larger than this (1 MiB) are parsed by one test at a time.
pub const LARGE_BODY_BYTES: usize = 1024 * 1024;

/// The run's large-body permit, shared by its tests.
#[derive(Debug, Clone)]
pub struct BodyBudget {
    permit: Arc<Semaphore>,
}

impl Default for BodyBudget {
    fn default() -> Self {
        BodyBudget {
            permit: Arc::new(Semaphore::new(1)),
        }
    }
}

/// One test's claim on the budget: whether it holds the permit.
#[derive(Debug)]
pub struct TestBudget {
    budget: BodyBudget,
    held: Mutex<Option<OwnedSemaphorePermit>>,
}

tokio::task_local! {
    static CURRENT: TestBudget;
}

impl BodyBudget {
    /// Runs `test` with its own claim on this budget; the permit, if it took it, is released
    /// when `test` ends (or is dropped).
    pub async fn scope<F: Future>(&self, test: F) -> F::Output {
        let claim = TestBudget {
            budget: self.clone(),
            held: Mutex::new(None),
        };
        CURRENT.scope(claim, test).await
    }
}

/// Waits, when `bytes` is a large body, until the current test holds the large-body permit.
/// Returns at once for small bodies, when the test holds it already, and outside a test.
pub async fn admit_body(bytes: usize) {
    if bytes <= LARGE_BODY_BYTES {
        return;
    }
    let needed = CURRENT
        .try_with(|claim| {
            let held = claim.held.lock().unwrap_or_else(PoisonError::into_inner);
            held.is_none().then(|| claim.budget.permit.clone())
        })
        .ok()
        .flatten();
    let Some(semaphore) = needed else {
        return;
    };
    // The semaphore is never closed, so acquiring only fails if it were; then go on ungated.
    if let Ok(permit) = semaphore.acquire_owned().await {
        let _ = CURRENT.try_with(|claim| {
            *claim.held.lock().unwrap_or_else(PoisonError::into_inner) = Some(permit);
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn small_bodies_and_code_outside_a_test_never_wait() {
        let budget = BodyBudget::default();
        let _taken = budget.permit.clone().acquire_owned().await.unwrap();
        let small = budget.scope(admit_body(LARGE_BODY_BYTES));
        tokio::time::timeout(Duration::from_secs(1), small)
            .await
            .expect("a small body waited");
        tokio::time::timeout(Duration::from_secs(1), admit_body(LARGE_BODY_BYTES + 1))
            .await
            .expect("a body outside a test waited");
    }

    #[tokio::test]
    async fn a_second_test_with_a_large_body_waits_until_the_first_ends() {
        let budget = BodyBudget::default();
        let (entered, mut first_holds) = tokio::sync::mpsc::channel(1);
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        let first = tokio::spawn({
            let budget = budget.clone();
            async move {
                budget
                    .scope(async {
                        admit_body(LARGE_BODY_BYTES + 1).await;
                        // A second large body in the same test does not wait for itself.
                        admit_body(LARGE_BODY_BYTES + 1).await;
                        entered.send(()).await.unwrap();
                        finished.await.unwrap();
                    })
                    .await
            }
        });
        first_holds.recv().await.unwrap();
        let second = budget.scope(admit_body(LARGE_BODY_BYTES + 1));
        tokio::pin!(second);
        assert!(
            tokio::time::timeout(Duration::from_millis(100), &mut second)
                .await
                .is_err(),
            "the second test did not wait for the permit"
        );
        finish.send(()).unwrap();
        first.await.unwrap();
        tokio::time::timeout(Duration::from_secs(1), second)
            .await
            .expect("the permit was not released when the first test ended");
    }
}
