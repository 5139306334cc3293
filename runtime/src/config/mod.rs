//! Where settings come from: the process environment ([`Env`]) and the shared config and
//! credentials files (`~/.aws/config`, `~/.aws/credentials`), read the way the AWS SDKs read
//! them ([`ProfileSet`]). Nothing here knows about credentials providers or clients: the
//! credential providers ([`crate::credentials`]) and the client configuration read from here.
//!
//! # Where the files are
//!
//! `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name the files; they default to
//! `~/.aws/config` and `~/.aws/credentials`. A leading `~` is the home directory: `HOME`, and on
//! Windows then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`. The selected profile is
//! `AWS_PROFILE`, else `default`. A file that does not exist (or a `~` path with no home
//! directory) contributes nothing; it is not an error. All of this goes through an [`Env`], so
//! tests can use a [`MemoryEnv`] instead of the process environment and file system.
//!
//! # Format (the cross-SDK profile file rules)
//!
//! - Blank lines (spaces and tabs only) are skipped; a line whose first character is `#` or `;`
//!   is a comment. A UTF-8 byte order mark at the start of a file is ignored.
//! - `[name]` starts a section. In a section header, `#` or `;` start a comment anywhere
//!   (`[profile a] # note`, `[profile a];note`), and the name is trimmed.
//! - In the **config** file, profiles are `[profile name]` (a space or tab after `profile`), plus
//!   `[default]`; any other unprefixed section is ignored. `[profile default]` wins over
//!   `[default]`: when the config file has both, every `[default]` section of it is ignored.
//!   `[sso-session name]` and `[services name]` sections are kept apart from profiles
//!   ([`ProfileSet::sso_session`], [`ProfileSet::services`]).
//! - In the **credentials** file, profiles are `[name]`; `[profile name]` is ignored.
//! - Profile names and property keys must match `[A-Za-z0-9_\-/.%@:+]+`; sections and keys that do
//!   not are ignored (see [`ProfileSet::warnings`]). Profile names are case-sensitive; property
//!   keys are not (they are stored lower-cased).
//! - `key = value` defines a property; both sides are trimmed of spaces and tabs, the value may
//!   be empty and may contain `=`. A `#` or `;` *preceded by whitespace* starts a comment
//!   (`key = value ; note`); one not preceded by whitespace is part of the value (`value;x`).
//! - A line starting with a space or tab continues the previous property: the trimmed line is
//!   appended after a newline, comments included. When the property's own value was empty, the
//!   continuation lines are sub-properties (`s3 =` / `  max_concurrent_requests = 10`), each of
//!   which must itself be `key = value` (see [`Profile::sub_property`]).
//! - Sections with the same name merge; a key defined again replaces the earlier value; the
//!   credentials file is read after the config file, so its values win for the same profile.
//!
//! Errors name the file and line: a malformed section header, a property outside any section, a
//! continuation with no property to continue, a property without `=` or without a name, or a file
//! that is not UTF-8.

mod env;
mod error;
mod profile;

pub use env::{Env, FileTooLarge, MemoryEnv, ProcessEnv, MAX_SETTINGS_FILE};
pub use error::{FileKind, Location, ProfileError};
pub use profile::{home_dir, Profile, ProfileSet};
