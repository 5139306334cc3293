//! Errors: one struct per exception shape (`types::error`), one enum per operation.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc::doc_attrs;
use crate::emit::shapes::{deprecated_attr, field_ident, is_copy, member_docs, rust_type};
use crate::ir::{Operation, Protocol, Service, ShapeId, ShapeKind};
use crate::naming;

/// The docs of an error's `CODE`, of `code()` and of the error enums' `from_meta`, by
/// protocol (the protocol and its `awsQueryCompatible` flag come from the IR).
struct CodeDocs {
    constant: String,
    getter: String,
    classify: String,
}

fn code_docs(svc: &Service) -> CodeDocs {
    let protocol = svc.protocol.display_name();
    let source = match svc.protocol {
        // awsQuery crates keep the words they always had.
        Protocol::AwsQuery => {
            return CodeDocs {
                constant: " The awsQuery error code that identifies this error on the wire."
                    .to_owned(),
                getter: " The awsQuery error code.".to_owned(),
                classify: " Classifies an error by its awsQuery code.".to_owned(),
            }
        }
        Protocol::AwsJson { .. } if svc.aws_query_compatible => format!(
            "{protocol}, awsQuery-compatible: the awsQuery code of the `x-amzn-query-error` \
             header, else the `X-Amzn-Errortype` header or the body's `__type`"
        ),
        Protocol::AwsJson { .. } | Protocol::RestJson1 => format!(
            "{protocol}: the `X-Amzn-Errortype` header, else the body's `code` or `__type`, \
             namespace and `:` suffix stripped"
        ),
    };
    CodeDocs {
        constant: format!(" The error code that identifies this error on the wire ({source})."),
        getter: format!(" The error code ({source})."),
        classify: format!(" Classifies an error by its code ({source})."),
    }
}

/// The struct for an exception shape.
pub fn emit_error_struct(svc: &Service, id: ShapeId) -> TokenStream {
    let shape = svc.shape(id);
    let ShapeKind::Structure(s) = &shape.kind else {
        return quote! {};
    };
    let info = s
        .error
        .as_ref()
        .expect("lowering gives every exception an error info");
    let name = naming::ident(&shape.rust_name);
    let docs = doc_attrs(&shape.docs, &format!("The `{}` error.", info.code));
    let dep = deprecated_attr(&shape.deprecated);
    let code = &info.code;
    let wire = &shape.wire_name;
    let status = match info.http_status {
        Some(s) => quote! { ::std::option::Option::Some(#s) },
        None => quote! { ::std::option::Option::None },
    };
    let sender = info.sender_fault;
    let retryable = info.retryable.is_some();
    let throttling = info.retryable == Some(true);
    let CodeDocs {
        constant: code_doc,
        getter: code_fn_doc,
        ..
    } = code_docs(svc);

    let fields = s.members.iter().map(|m| {
        let f = field_ident(m);
        let mut ty = rust_type(svc, m.target);
        if m.boxed {
            ty = quote! { ::std::boxed::Box<#ty> };
        }
        let d = doc_attrs(&member_docs(svc, m), "");
        quote! { #d pub(crate) #f: ::std::option::Option<#ty>, }
    });
    let getters = s.members.iter().map(|m| {
        let f = field_ident(m);
        let d = doc_attrs(&member_docs(svc, m), "");
        let ty = rust_type(svc, m.target);
        match &svc.shape(m.target).kind {
            ShapeKind::String(st) if st.enum_values.is_empty() => quote! {
                #d
                pub fn #f(&self) -> ::std::option::Option<&str> { self.#f.as_deref() }
            },
            _ if is_copy(svc, m.target) => quote! {
                #d
                pub fn #f(&self) -> ::std::option::Option<#ty> { self.#f }
            },
            _ if m.boxed => quote! {
                #d
                pub fn #f(&self) -> ::std::option::Option<&#ty> { self.#f.as_deref() }
            },
            _ => quote! {
                #d
                pub fn #f(&self) -> ::std::option::Option<&#ty> { self.#f.as_ref() }
            },
        }
    });
    let inits = s.members.iter().map(|m| {
        let f = field_ident(m);
        quote! { #f: ::std::option::Option::None, }
    });
    let has_message_member = s.members.iter().any(|m| m.rust_name == "message");
    let message_getter = (!has_message_member).then(|| {
        quote! {
            /// The error message the service sent, if any.
            pub fn message(&self) -> ::std::option::Option<&str> {
                self.meta.message()
            }
        }
    });
    let message_expr = if has_message_member {
        quote! { self.message.as_deref().or(self.meta.message()) }
    } else {
        quote! { self.meta.message() }
    };
    let any_sensitive = s.members.iter().any(|m| m.sensitive);
    let derive_debug = if any_sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let debug_impl = any_sensitive.then(|| {
        let text_name = &shape.rust_name;
        let fields = s.members.iter().map(|m| {
            let f = field_ident(m);
            let label = &m.rust_name;
            if m.sensitive {
                quote! { d.field(#label, &::stsgen_runtime::sensitive::RedactedOption(&self.#f)); }
            } else {
                quote! { d.field(#label, &self.#f); }
            }
        });
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    let mut d = f.debug_struct(#text_name);
                    #(#fields)*
                    d.field("meta", &self.meta);
                    d.finish()
                }
            }
        }
    });

    quote! {
        #docs
        #dep
        #[derive(Clone, PartialEq, #derive_debug)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            pub(crate) meta: ::stsgen_runtime::ErrorMetadata,
        }

        impl #name {
            #[doc = #code_doc]
            pub const CODE: &'static str = #code;
            /// The model's name for this shape.
            pub const SHAPE_NAME: &'static str = #wire;
            /// The HTTP status the model gives this error.
            pub const HTTP_STATUS: ::std::option::Option<u16> = #status;
            /// Whether the model says the caller is at fault (`Sender`).
            pub const SENDER_FAULT: bool = #sender;
            /// Whether the model marks this error retryable.
            pub const RETRYABLE: bool = #retryable;
            /// Whether the model marks this error as throttling.
            pub const THROTTLING: bool = #throttling;

            /// An error from its metadata, with no modeled members read.
            pub fn from_meta(meta: ::stsgen_runtime::ErrorMetadata) -> Self {
                #name { #(#inits)* meta }
            }

            /// Code, message, type, request id and HTTP status.
            pub fn meta(&self) -> &::stsgen_runtime::ErrorMetadata {
                &self.meta
            }

            #[doc = #code_fn_doc]
            pub fn code(&self) -> &str {
                Self::CODE
            }

            #message_getter
            #(#getters)*
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(Self::CODE)?;
                if let ::std::option::Option::Some(m) = #message_expr {
                    write!(f, ": {}", ::stsgen_runtime::error::Escaped(m))?;
                }
                Ok(())
            }
        }

        impl ::std::error::Error for #name {}

        impl ::stsgen_runtime::RequestId for #name {
            fn request_id(&self) -> ::std::option::Option<&str> {
                self.meta.request_id()
            }
        }

        #debug_impl
    }
}

/// The error enum of an operation.
pub fn emit_operation_error(svc: &Service, op: &Operation) -> TokenStream {
    let name = naming::suffixed_ident(&op.rust_name, "Error");
    let op_wire = &op.wire_name;
    let doc = format!(" Errors of `{op_wire}`: one variant per modeled error, and [`Unhandled`](Self::Unhandled) for any other code.");
    let variants: Vec<_> = op
        .error_variants
        .iter()
        .map(|v| {
            (
                naming::ident(&v.name),
                naming::ident(&v.predicate),
                rust_type(svc, v.shape),
                svc.shape(v.shape),
                v.code.clone(),
            )
        })
        .collect();
    let defs = variants.iter().map(|(v, _, ty, shape, code)| {
        let d = doc_attrs(&shape.docs, &format!("The `{code}` error."));
        quote! { #d #v(#ty), }
    });
    let from_meta_arms: Vec<_> = variants
        .iter()
        .map(|(v, _, ty, _, _)| quote! { #ty::CODE => #name::#v(#ty::from_meta(meta)), })
        .collect();
    let from_meta_body = if from_meta_arms.is_empty() {
        quote! { #name::Unhandled(::stsgen_runtime::UnhandledError::new(meta)) }
    } else {
        quote! {
            match meta.code() {
                #(#from_meta_arms)*
                _ => #name::Unhandled(::stsgen_runtime::UnhandledError::new(meta)),
            }
        }
    };
    let meta_arms = variants
        .iter()
        .map(|(v, _, _, _, _)| quote! { #name::#v(e) => e.meta(), });
    let source_arms = variants
        .iter()
        .map(|(v, _, _, _, _)| quote! { #name::#v(e) => ::std::option::Option::Some(e), });
    let is_fns = variants.iter().map(|(v, is, _, _, code)| {
        let d = format!(" Whether this is the `{code}` error.");
        quote! {
            #[doc = #d]
            pub fn #is(&self) -> bool {
                matches!(self, #name::#v(_))
            }
        }
    });
    let CodeDocs {
        getter: code_fn_doc,
        classify: from_meta_doc,
        ..
    } = code_docs(svc);
    let modeled_retryable = variants
        .iter()
        .map(|(v, _, ty, _, _)| quote! { #name::#v(_) => #ty::RETRYABLE, });

    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// An error code the model does not list for this operation (`AccessDenied`, `Throttling`, ...).
            Unhandled(::stsgen_runtime::UnhandledError),
        }

        impl #name {
            /// The operation's name in the model.
            pub const OPERATION_NAME: &'static str = #op_wire;

            #[doc = #from_meta_doc]
            pub fn from_meta(meta: ::stsgen_runtime::ErrorMetadata) -> Self {
                #from_meta_body
            }

            /// Code, message, type, request id and HTTP status.
            pub fn meta(&self) -> &::stsgen_runtime::ErrorMetadata {
                match self {
                    #(#meta_arms)*
                    #name::Unhandled(e) => e.meta(),
                }
            }

            #[doc = #code_fn_doc]
            pub fn code(&self) -> &str {
                self.meta().code()
            }

            /// The error message, if the service sent one.
            pub fn message(&self) -> ::std::option::Option<&str> {
                self.meta().message()
            }

            /// Whether the model marks the error retryable (throttling and transient codes are
            /// classified by the client's retry policy as well).
            pub fn is_modeled_retryable(&self) -> bool {
                match self {
                    #(#modeled_retryable)*
                    #name::Unhandled(_) => false,
                }
            }

            /// Whether retrying could succeed: throttling and transient codes, 5xx statuses,
            /// and errors the model marks retryable (the client's retry policy uses the same rule).
            pub fn is_retryable(&self) -> bool {
                ::stsgen_runtime::client::retry::is_retryable_code(self.code(), self.meta().http_status())
                    || self.is_modeled_retryable()
            }

            #(#is_fns)*

            /// Whether this error is a code the model does not list.
            pub fn is_unhandled(&self) -> bool {
                matches!(self, #name::Unhandled(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{} failed: {}", Self::OPERATION_NAME, ::stsgen_runtime::error::Escaped(self.code()))?;
                if let ::std::option::Option::Some(m) = self.message() {
                    write!(f, ": {}", ::stsgen_runtime::error::Escaped(m))?;
                }
                if let ::std::option::Option::Some(id) = self.meta().request_id() {
                    write!(f, " (request id {})", ::stsgen_runtime::error::Escaped(id))?;
                }
                Ok(())
            }
        }

        impl ::std::error::Error for #name {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    #(#source_arms)*
                    #name::Unhandled(e) => ::std::option::Option::Some(e),
                }
            }
        }

        impl ::stsgen_runtime::RequestId for #name {
            fn request_id(&self) -> ::std::option::Option<&str> {
                self.meta().request_id()
            }
        }
    }
}
