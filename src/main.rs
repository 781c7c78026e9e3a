//! The `accord` binary: a thin shell over the library's command line.

fn main() {
    std::process::exit(accord::cli::main());
}
