//! Hand-written, service-agnostic runtime for stsgen-generated AWS clients.
