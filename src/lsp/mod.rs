//! The language server (`accord lsp`): the protocol layer over the workspace and the
//! editor features of `crate::ide`.
//!
//! Only this module knows the protocol's types, URIs and column units; it converts at
//! the edges (`from_proto`, `to_proto`) with the position encoding negotiated at
//! initialisation (`caps`). `server` dispatches each method to a handler in
//! `handlers`; `diagnostics` publishes, `reload` indexes and reloads, `dispatch` runs
//! requests off the protocol's task and catches panics, `notify` speaks to the client
//! unasked, and `state` holds the session and the workspace.

pub mod caps;
pub mod diagnostics;
pub mod dispatch;
pub mod ext;
pub mod from_proto;
pub mod handlers;
pub mod notify;
pub mod partial;
pub mod reload;
pub mod semantic;
pub mod server;
pub mod settings;
pub mod splice;
pub mod state;
pub mod to_proto;
pub mod transport;

use tower_lsp_server::jsonrpc;
use tower_lsp_server::{LspService, Server};

/// How the binary's allocator returns freed memory to the system; the library does
/// not choose an allocator.
#[derive(Clone, Copy)]
pub struct MemoryRelease {
    /// Returns what the calling thread and the bulk-work pool's threads freed.
    pub everywhere: fn(),
    /// Returns what the calling thread freed.
    pub this_thread: fn(),
}

static MEMORY_RELEASE: std::sync::OnceLock<MemoryRelease> = std::sync::OnceLock::new();

/// Counts the releases asked for, so that each protocol thread follows once, the next
/// time it goes idle.
static RELEASE_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Sets how freed memory goes back to the system, once, before serving.
pub fn set_memory_release(release: MemoryRelease) {
    let _ = MEMORY_RELEASE.set(release);
}

/// Returns freed memory to the system after bulk work (indexing, a reload, a lexicon
/// refresh), if the binary said how. Indexing frees the full analyses of closed files
/// on other threads than made them; without this, an allocator keeps those pages as
/// the process's resident memory. The protocol's threads, which serialise what the
/// work produced, follow when they next go idle ([`release_memory_when_idle`]).
pub(crate) fn release_memory() {
    RELEASE_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Some(release) = MEMORY_RELEASE.get() {
        (release.everywhere)();
    }
}

/// Returns what the calling thread freed, as a thread of the runtime's blocking pool
/// ends: that pool's threads did the bulk work, and frees by other threads into their
/// pages are returned only by them.
pub fn release_memory_of_this_thread() {
    if let Some(release) = MEMORY_RELEASE.get() {
        (release.this_thread)();
    }
}

/// Run by each protocol thread as it goes idle: returns what it freed if a release
/// was asked for since it last did. Cheap otherwise, as it runs often.
pub fn release_memory_when_idle() {
    thread_local! {
        static RELEASED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }
    let wanted = RELEASE_GENERATION.load(std::sync::atomic::Ordering::Relaxed);
    if RELEASED.get() == wanted {
        return;
    }
    RELEASED.set(wanted);
    release_memory_of_this_thread();
}

/// Requests and notifications handled at the same time.
const MAX_REQUESTS_IN_FLIGHT: usize = 32;

/// Serves the protocol on standard input and output until the client exits. Logs go to
/// standard error, filtered by `ACCORD_LOG` (`info` by default). Returns whether the
/// client asked to shut down first, as the protocol wants for exit status 0.
pub async fn run_stdio() -> bool {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ACCORD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let splices = std::sync::Arc::new(splice::Splices::default());
    splices.enable();
    let (service, socket) = service_with(splices.clone());
    let (input, session) = transport::guard(std::io::stdin());
    let output = splice::SplicingWriter::new(tokio::io::stdout(), splices);
    // Features run off the protocol's task, so requests in flight cost a waiting
    // future each; a higher limit than the library's 4 lets a change or a cancellation
    // behind slow requests be read and applied at once.
    let serving = Server::new(input, output, socket)
        .concurrency_level(MAX_REQUESTS_IN_FLIGHT)
        .serve(service);
    // The library, after `exit`, still waits for every handler in flight: a reload of
    // the whole workspace, or a request to a client that will never answer. The
    // protocol asks the server to stop now, and nothing in flight needs finishing: the
    // index cache was saved at `shutdown`, and it is only ever replaced whole.
    tokio::select! {
        () = serving => {}
        () = session.exit_received() => tracing::info!("exit"),
    }
    session.shutdown_requested()
}

/// The server as a service with its client socket: what `run_stdio` serves, and what
/// tests and the fuzz harness drive in process.
pub fn service() -> (LspService<server::Server>, partial::OutputSocket) {
    service_with(std::sync::Arc::default())
}

/// The server with `splices`, which hold large answers for the output to write.
fn service_with(
    splices: std::sync::Arc<splice::Splices>,
) -> (LspService<server::Server>, partial::OutputSocket) {
    let ledger = std::sync::Arc::new(partial::Ledger::default());
    let server_ledger = ledger.clone();
    let (service, socket) =
        LspService::build(move |client| server::Server::new(client, server_ledger, splices))
            .custom_method("$/setTrace", server::Server::set_trace)
            .custom_method(
                <ext::EntityTimeline as tower_lsp_server::ls_types::request::Request>::METHOD,
                server::Server::entity_timeline,
            )
            .custom_method(transport::NOT_JSON_METHOD, not_json)
            .custom_method(transport::NOT_A_MESSAGE_METHOD, not_a_message)
            .finish();
    (service, partial::OutputSocket::new(socket, ledger))
}

/// The answer to a frame that was not JSON (see `transport`).
async fn not_json(_: &server::Server) -> jsonrpc::Result<()> {
    tracing::warn!("a message from the client was not JSON");
    Err(jsonrpc::Error::parse_error())
}

/// The answer to JSON that was no JSON-RPC message (see `transport`).
async fn not_a_message(_: &server::Server) -> jsonrpc::Result<()> {
    tracing::warn!("a message from the client was not a JSON-RPC message");
    Err(jsonrpc::Error::invalid_request())
}
