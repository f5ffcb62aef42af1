//! Issue texts that repeat share one allocation: a Bundle of a million entries can raise the
//! same warning (same message, same rule) on each of them.
//!
//! Each thread keeps the texts it handed out most recently in a small table indexed by their
//! hash; a text found there is shared, any other is stored in its slot (replacing the one
//! there). The table stays small whatever is validated, and frequent texts stay in it.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::Arc;

/// Slots in each thread's table of recent texts.
const SLOTS: usize = 256;

/// Longer texts are not kept in the table, so that it stays small.
const LONGEST_KEPT: usize = 1024;

thread_local! {
    static RECENT: RefCell<Vec<Option<Arc<str>>>> = const { RefCell::new(Vec::new()) };
}

/// `text` as a shared string: the one handed out last for the same text when it is still in
/// this thread's table.
pub fn shared(text: &str) -> Arc<str> {
    if text.len() > LONGEST_KEPT {
        return Arc::from(text);
    }
    let slot = foldhash::fast::FixedState::default().hash_one(text) as usize % SLOTS;
    RECENT.with_borrow_mut(|recent| {
        if recent.is_empty() {
            recent.resize(SLOTS, None);
        }
        match &recent[slot] {
            Some(found) if **found == *text => found.clone(),
            _ => {
                let made: Arc<str> = Arc::from(text);
                recent[slot] = Some(made.clone());
                made
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_allocation() {
        let first = shared("Constraint failed: dom-6");
        let second = shared(&String::from("Constraint failed: dom-6"));
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(&*shared("dom-6"), "dom-6");
        assert!(!Arc::ptr_eq(&first, &shared("dom-6")));
    }

    #[test]
    fn long_texts_are_copied_not_kept() {
        let long = "x".repeat(LONGEST_KEPT + 1);
        assert!(!Arc::ptr_eq(&shared(&long), &shared(&long)));
        assert_eq!(&*shared(&long), long);
    }
}
