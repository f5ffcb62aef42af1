//! Running work items of known sizes on every core, largest first so that no core idles at
//! the end, while bounding how much large work is in memory at once.

use std::sync::{Condvar, Mutex, PoisonError};

/// Items larger than this are large: together, those running at once hold at most
/// [`LARGE_IN_FLIGHT`] bytes (or one of them alone, when it is larger).
const SMALL_ITEM: usize = 1 << 20;

/// The most bytes of large items that run at once; a core that may not start the next large
/// item takes a smaller one, or waits. A parsed file takes five to eight times its size, and a
/// large Bundle's entries are validated on every core anyway: a large file then mostly runs
/// beside small ones only, and the peak stays near that of the largest file alone.
const LARGE_IN_FLIGHT: usize = 16 << 20;

/// What the workers share: the items not started, largest first, and the bytes of the large
/// ones running.
struct Queue<T> {
    pending: Vec<(usize, usize, T)>,
    in_flight: usize,
}

/// Runs `work` on each item (its size, the item) on `threads` threads, and returns the
/// results in the items' order.
pub fn largest_first<T: Send, R: Send>(
    items: Vec<(usize, T)>,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let mut pending: Vec<(usize, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(index, (size, item))| (index, size, item))
        .collect();
    pending.sort_by_key(|(_, size, _)| std::cmp::Reverse(*size));
    let queue = Mutex::new(Queue {
        pending,
        in_flight: 0,
    });
    let done = Condvar::new();
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| scope.spawn(|| worker(&queue, &done, &work)))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Takes items until none are left: the largest that may start now.
fn worker<T, R>(
    queue: &Mutex<Queue<T>>,
    done: &Condvar,
    work: &impl Fn(T) -> R,
) -> Vec<(usize, R)> {
    let mut results = Vec::new();
    loop {
        let mut state = queue.lock().unwrap_or_else(PoisonError::into_inner);
        let (index, size, item) = loop {
            if state.pending.is_empty() {
                return results;
            }
            let in_flight = state.in_flight;
            let fits = |size: usize| {
                size <= SMALL_ITEM || in_flight == 0 || in_flight + size <= LARGE_IN_FLIGHT
            };
            match state.pending.iter().position(|(_, size, _)| fits(*size)) {
                Some(at) => break state.pending.remove(at),
                None => state = done.wait(state).unwrap_or_else(PoisonError::into_inner),
            }
        };
        let large = if size > SMALL_ITEM { size } else { 0 };
        state.in_flight += large;
        drop(state);
        let claim = Claim {
            queue,
            done,
            bytes: large,
        };
        results.push((index, work(item)));
        drop(claim);
    }
}

/// Bytes of a running large item, given back when it ends (or its work panics).
struct Claim<'q, T> {
    queue: &'q Mutex<Queue<T>>,
    done: &'q Condvar,
    bytes: usize,
}

impl<T> Drop for Claim<'_, T> {
    fn drop(&mut self) {
        let mut state = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        state.in_flight -= self.bytes;
        self.done.notify_all();
    }
}
