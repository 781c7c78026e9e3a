//! The `accord` binary: a thin shell over the library's command line.

/// Recognition and indexing allocate many small strings and vectors per article;
/// mimalloc serves them markedly faster than the system allocator, on every thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    accord::lsp::set_memory_release(release_memory);
    std::process::exit(accord::cli::main());
}

/// Makes every rayon thread and this one hand mimalloc's freed pages back to the
/// system: indexing frees on one thread what the pool's threads allocated, and an idle
/// thread otherwise keeps them.
fn release_memory() {
    rayon::broadcast(|_| {
        // SAFETY: `mi_collect` only walks the calling thread's own heap.
        unsafe { libmimalloc_sys::mi_collect(true) }
    });
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
