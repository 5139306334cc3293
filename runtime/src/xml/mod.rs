//! A streaming XML reader (no DOM) for response bodies, protocol-agnostic: the awsQuery
//! response and error shapes are read on top of it in [`crate::protocol::aws_query`].
//!
//! Generated deserializers walk elements with [`XmlReader::next_child`], read leaf text with
//! [`XmlReader::read_text`] and skip what they do not know with [`XmlReader::skip`].
//! Element names are matched by local name (namespace prefixes are ignored).

mod error;
mod lexer;
mod reader;

pub use error::{safe_body_prefix, ParseError, ParseErrorKind, MAX_DEPTH};
pub(crate) use reader::local;
pub use reader::{StartTag, XmlReader};
