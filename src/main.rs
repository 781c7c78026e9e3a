//! The `accord` binary: a thin shell over the library's command line.

/// Recognition and indexing allocate many small strings and vectors per article;
/// mimalloc serves them markedly faster than the system allocator, on every thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc v3's option enumeration, which the bindings do
/// not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    disable_transparent_huge_pages();
    // mimalloc v3 returns a freed page to the system a second after the free. A tenth
    // of that keeps indexing's pages for its next batch, which frees one batch's
    // analyses as it allocates the next, while the pages an edit frees go back soon
    // after it. mimalloc reads its options when the process loads, so the default
    // would come too late: the option is set, unless the environment sets it.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mimalloc's options are plain values, set here before any thread starts.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
    accord::lsp::set_memory_release(accord::lsp::MemoryRelease {
        everywhere: release_memory,
        this_thread: collect_this_thread,
    });
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
    rayon::broadcast(|_| collect_this_thread());
    collect_this_thread();
}

fn collect_this_thread() {
    // SAFETY: `mi_collect` only walks the calling thread's own heap.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// How long mimalloc keeps a freed page before it returns it to the system.
const PURGE_DELAY_MS: std::os::raw::c_long = 100;

/// The server keeps many small summaries alive for hours. mimalloc asks the kernel for
/// transparent huge pages, which keep a whole 2 MB page resident for the few objects
/// still alive in it: a sixth of the server's memory after indexing a large
/// workspace. Turning them off for the process costs no measurable time.
/// `MIMALLOC_ALLOW_THP` in the environment still decides, as mimalloc documents.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of the
        // process; it fails harmlessly on kernels without it.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}
