//! The language server (`accord lsp`): the protocol layer over the workspace and the
//! editor features of `crate::ide`.
//!
//! Only this module knows the protocol's types, URIs and column units; it converts at
//! the edges (`from_proto`, `to_proto`) with the position encoding negotiated at
//! initialisation.

pub mod document;
pub mod from_proto;
pub mod semantic;
pub mod server;
pub mod settings;
pub mod state;
pub mod to_proto;

use tower_lsp_server::{LspService, Server};

/// Serves the protocol on standard input and output until the client exits. Logs go to
/// standard error, filtered by `ACCORD_LOG` (`info` by default).
pub async fn run_stdio() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ACCORD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let (service, socket) = LspService::build(server::Server::new)
        .custom_method("$/setTrace", server::Server::set_trace)
        .finish();
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}
