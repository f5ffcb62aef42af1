//! Rebuilds the crate when a fixture changes: `include_dir!` embeds the top-level `fixtures/`
//! folder but cannot tell Cargo to watch it on stable Rust.

fn main() {
    println!("cargo::rerun-if-changed=../../fixtures");
}
