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
    collect_everywhere();
    // mimalloc purges a freed page only some milliseconds after it was freed (10, and
    // ten times that for its arenas), when its thread next allocates or collects. The
    // pool's threads are idle after bulk work, so they collect once more after that.
    let _ = std::thread::Builder::new()
        .name("accord-release-memory".to_owned())
        .spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(250));
            collect_everywhere();
        });
}

fn collect_everywhere() {
    rayon::broadcast(|_| {
        // SAFETY: `mi_collect` only walks the calling thread's own heap.
        unsafe { libmimalloc_sys::mi_collect(true) }
    });
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
