//! The process environment and file system, behind a trait so tests can hold them in memory.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use super::error::ProfileError;

/// The most bytes a settings file may hold: the shared config and credentials files and a web
/// identity token file. Real ones hold a few KiB; the bound keeps a mistaken path (a log, a
/// device such as `/dev/zero`) from filling memory.
pub const MAX_SETTINGS_FILE: usize = 4 * 1024 * 1024;

/// The `InvalidData` error of [`Env::read_file_limited`] for a file larger than `limit`.
fn too_large(limit: usize) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, FileTooLarge(limit))
}

/// The inner error of [`Env::read_file_limited`]'s `InvalidData` error for a file larger than the
/// limit (`error.get_ref()` downcasts to it); holds the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileTooLarge(pub usize);

impl fmt::Display for FileTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the file is larger than {} bytes", self.0)
    }
}

impl std::error::Error for FileTooLarge {}

/// Where profile files and variables come from: the process ([`ProcessEnv`]) or memory ([`MemoryEnv`]).
pub trait Env: Send + Sync + fmt::Debug {
    /// The raw value of an environment variable.
    fn var_os(&self, name: &str) -> Option<OsString>;

    /// The contents of a file. A missing file is `ErrorKind::NotFound`.
    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>>;

    /// The contents of a file of at most `limit` bytes; a larger one is an `InvalidData` error
    /// wrapping [`FileTooLarge`]. [`ProcessEnv`] reads at most `limit + 1` bytes, so a huge
    /// file or an endless device costs no more than that.
    fn read_file_limited(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
        let bytes = self.read_file(path)?;
        if bytes.len() > limit {
            return Err(too_large(limit));
        }
        Ok(bytes)
    }

    /// Whether Windows rules apply (home directory variables, `\` in `~\` paths).
    fn is_windows(&self) -> bool {
        cfg!(windows)
    }

    /// An environment variable as trimmed text; unset or blank is `None`, non-UTF-8 is an error
    /// naming the variable.
    fn var(&self, name: &str) -> Result<Option<String>, ProfileError> {
        match self.var_os(name) {
            None => Ok(None),
            Some(v) => match v.into_string() {
                Ok(s) if s.trim().is_empty() => Ok(None),
                Ok(s) => Ok(Some(s.trim().to_owned())),
                Err(_) => Err(ProfileError::InvalidEnvironment {
                    name: name.to_owned(),
                }),
            },
        }
    }
}

/// The real process environment and file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn read_file_limited(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        std::fs::File::open(path)?
            .take(cap)
            .read_to_end(&mut bytes)?;
        if bytes.len() > limit {
            return Err(too_large(limit));
        }
        Ok(bytes)
    }
}

/// An environment and file system held in memory, for tests and for embedding fixed configuration.
/// `Debug` shows variable names and file paths only, never values or contents.
#[derive(Clone, Default)]
pub struct MemoryEnv {
    vars: BTreeMap<String, OsString>,
    files: BTreeMap<PathBuf, Vec<u8>>,
    windows: bool,
}

impl MemoryEnv {
    /// No variables, no files, non-Windows rules.
    pub fn new() -> Self {
        MemoryEnv::default()
    }

    /// Sets a variable.
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<OsString>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Adds a file.
    pub fn with_file(mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.into(), contents.into());
        self
    }

    /// Applies Windows rules (or not), whatever the host.
    pub fn windows(mut self, windows: bool) -> Self {
        self.windows = windows;
        self
    }
}

impl fmt::Debug for MemoryEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryEnv")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .field("windows", &self.windows)
            .finish()
    }
}

impl Env for MemoryEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.vars.get(name).cloned()
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }

    fn is_windows(&self) -> bool {
        self.windows
    }
}
