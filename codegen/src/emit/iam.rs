//! IAM emitter.
