//! Rebuilds the crate when a built-in suite changes: `include_dir!` embeds `../suites` but
//! cannot tell Cargo to watch it on stable Rust.

fn main() {
    println!("cargo::rerun-if-changed=../suites");
}
