//! Rebuilds the crate when a built-in suite or a report template changes: `include_dir!` embeds
//! the top-level `suites/` folder but cannot tell Cargo to watch it on stable Rust.

fn main() {
    println!("cargo::rerun-if-changed=../../suites");
    println!("cargo::rerun-if-changed=../../reports");
}
