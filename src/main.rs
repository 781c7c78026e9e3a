//! The `accord` binary: a thin shell over the library's command line.

/// Recognition and indexing allocate many small strings and vectors per article;
/// mimalloc serves them markedly faster than the system allocator, on every thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc v3's option enumeration, which the bindings do
/// not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // mimalloc returns a freed page to the system 10 ms after the free by default.
    // Indexing frees each batch's analyses and allocates the next batch's at once, so
    // the pages went back and were faulted in and zeroed again: on a 44 MB workspace
    // that was a tenth of the index time. Half a second keeps them for the next batch;
    // the memory hook after bulk work still returns them all (a forced collect
    // purges whatever the delay). An `MIMALLOC_PURGE_DELAY` in the environment wins.
    // SAFETY: setting an option before any thread is started is what mimalloc expects.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, 500) };
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
