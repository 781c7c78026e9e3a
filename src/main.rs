//! The `accord` binary: a thin shell over the library's command line.

/// Recognition and indexing allocate many small strings and vectors per article;
/// mimalloc serves them markedly faster than the system allocator, on every thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(accord::cli::main());
}
