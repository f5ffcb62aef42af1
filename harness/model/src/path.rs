//! The element path of the node being parsed, for issue messages.

use std::fmt::Write;

/// The path below the root (`.name[0].given[1]`), kept in one reusable buffer: pushing and
/// popping a step does not allocate once the buffer has grown.
#[derive(Default)]
pub(crate) struct PathStack {
    text: String,
    step_starts: Vec<usize>,
}

impl PathStack {
    /// Descends into property `name`, item `index` when it repeats.
    pub(crate) fn push(&mut self, name: &str, index: Option<u32>) {
        self.step_starts.push(self.text.len());
        self.text.push('.');
        self.text.push_str(name);
        if let Some(index) = index {
            let _ = write!(self.text, "[{index}]");
        }
    }

    /// Returns to the parent of the current step.
    pub(crate) fn pop(&mut self) {
        if let Some(start) = self.step_starts.pop() {
            self.text.truncate(start);
        }
    }

    /// The current path below the root; [`with_root`] completes it.
    pub(crate) fn below_root(&self) -> &str {
        &self.text
    }
}

/// Completes a path recorded by [`PathStack::below_root`] with the root's name.
pub(crate) fn with_root(root: &str, below_root: &str) -> String {
    let mut path = String::with_capacity(root.len() + below_root.len());
    path.push_str(root);
    path.push_str(below_root);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_and_pop_steps() {
        let mut path = PathStack::default();
        path.push("name", Some(0));
        path.push("given", Some(1));
        assert_eq!(
            with_root("Patient", path.below_root()),
            "Patient.name[0].given[1]"
        );
        path.pop();
        path.push("family", None);
        assert_eq!(path.below_root(), ".name[0].family");
        path.pop();
        path.pop();
        path.pop();
        assert_eq!(path.below_root(), "");
    }
}
