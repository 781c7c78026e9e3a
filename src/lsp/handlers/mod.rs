//! The protocol's requests and notifications, one function each; `server` dispatches
//! to them.

pub mod notification;
pub mod request;
