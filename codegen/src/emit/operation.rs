//! One module per operation: input, output, their builders, the error enum and constants.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::constraints::Constraints;
use crate::emit::doc::{inner_doc_attrs, operation_docs};
use crate::emit::errors::emit_operation_error;
use crate::emit::structure::{emit_builder, emit_value, StructSpec};
use crate::ir::{HostPrefix, HostPrefixPart, Operation, Protocol, Service, UnsupportedOperation};
use crate::naming;

/// `host_prefix(input)`: the operation's `endpoint.hostPrefix` with its labels filled in.
fn host_prefix_fn(
    svc: &Service,
    op: &Operation,
    hp: &HostPrefix,
    input_ty: &proc_macro2::Ident,
) -> TokenStream {
    let shape = op
        .input
        .map(|id| svc.shape(id).wire_name.clone())
        .unwrap_or_else(|| format!("{}Request", op.wire_name));
    let parts = hp.parts.iter().map(|part| {
        let label = match part {
            HostPrefixPart::Literal(text) => return quote! { prefix.push_str(#text); },
            HostPrefixPart::Label(label) => label,
        };
        let f = crate::naming::ident(&label.rust_name);
        let name = &label.name;
        let text = if label.is_enum { quote! { .as_str() } } else { quote! {} };
        let value = if label.required {
            quote! { let value: &str = input.#f() #text; }
        } else {
            quote! {
                let value: &str = input.#f().ok_or_else(|| ::stsgen_runtime::BuildError::missing(#shape, #name))? #text;
            }
        };
        quote! {
            #value
            if !::stsgen_runtime::endpoint::is_valid_host_label(value, false) {
                return ::std::result::Result::Err(::stsgen_runtime::BuildError::new(
                    #shape,
                    #name,
                    ::stsgen_runtime::Violation::NotAHostLabel { length: value.chars().count() as u64 },
                ));
            }
            prefix.push_str(value);
        }
    });
    let template = &hp.template;
    let doc = format!(" The prefix this operation puts before the endpoint's host (`{template}`), labels filled from `input`.");
    let unused = hp
        .labels()
        .next()
        .is_none()
        .then(|| quote! { let _ = input; });
    quote! {
        #[doc = #doc]
        ///
        /// # Errors
        /// A label member that is unset or not a valid host label.
        pub fn host_prefix(input: &#input_ty) -> ::std::result::Result<::std::string::String, ::stsgen_runtime::BuildError> {
            #unused
            let mut prefix = ::std::string::String::new();
            #(#parts)*
            ::std::result::Result::Ok(prefix)
        }
    }
}

/// The contents of `src/operation/<module>.rs`.
pub fn emit_operation(svc: &Service, op: &Operation, constraints: &Constraints) -> TokenStream {
    let mod_docs = inner_doc_attrs(&operation_docs(svc, op), "");
    let wire = &op.wire_name;
    let input_name = format!("{}Input", op.rust_name);
    let output_name = format!("{}Output", op.rust_name);
    let input_builder = format!("{input_name}Builder");
    let output_builder = format!("{output_name}Builder");

    let (input_value, input_builder_tokens) = match op.input {
        Some(id) => {
            let spec = StructSpec {
                id,
                name: &input_name,
                builder_name: &input_builder,
                builder_path: quote! { builders },
                value_path: quote! { super },
                docs: format!("Input of [`{wire}`](self).\n\n{}", svc.shape(id).docs),
                is_output: false,
            };
            (
                emit_value(svc, &spec, constraints),
                emit_builder(svc, &spec),
            )
        }
        None => empty_struct(
            &input_name,
            &input_builder,
            &format!("Input of [`{wire}`](self): it has no members."),
            false,
        ),
    };
    let (output_value, output_builder_tokens) = match op.output {
        Some(id) => {
            let spec = StructSpec {
                id,
                name: &output_name,
                builder_name: &output_builder,
                builder_path: quote! { builders },
                value_path: quote! { super },
                docs: format!("Output of [`{wire}`](self).\n\n{}", svc.shape(id).docs),
                is_output: true,
            };
            (
                emit_value(svc, &spec, constraints),
                emit_builder(svc, &spec),
            )
        }
        None => empty_struct(
            &output_name,
            &output_builder,
            &format!("Output of [`{wire}`](self): it has no members."),
            true,
        ),
    };
    let error = emit_operation_error(svc, op);
    let unsigned = op.unsigned;
    let iam_action = svc.iam.as_ref().map(|iam| {
        let value = match crate::ir::iam::action_path(iam, wire) {
            Some(path) => quote! { ::std::option::Option::Some(#path) },
            None => quote! { ::std::option::Option::None },
        };
        quote! {
            /// The IAM action that authorizes this operation, from the privilege model
            /// (`None` when the model lists no action of this name).
            pub const IAM_ACTION: ::std::option::Option<crate::iam::Action> = #value;
        }
    });
    let method = &op.http_method;
    let uri = &op.http_uri;
    let encodings = &op.request_compression;
    let protocol = match svc.protocol {
        Protocol::AwsQuery => protocol_fns(svc, op),
        Protocol::AwsJson { .. } => {
            let input_ty = naming::suffixed_ident(&op.rust_name, "Input");
            let host_prefix_fn = op
                .host_prefix
                .as_ref()
                .map(|hp| host_prefix_fn(svc, op, hp, &input_ty));
            let fns = crate::emit::aws_json::protocol_fns(svc, op);
            quote! { #host_prefix_fn #fns }
        }
        Protocol::RestJson1 => {
            let input_ty = naming::suffixed_ident(&op.rust_name, "Input");
            let host_prefix_fn = op
                .host_prefix
                .as_ref()
                .map(|hp| host_prefix_fn(svc, op, hp, &input_ty));
            let fns = crate::emit::rest_json::protocol_fns(svc, op);
            quote! { #host_prefix_fn #fns }
        }
    };
    let name_doc = match svc.protocol {
        Protocol::AwsQuery => " The operation's name in the model (the awsQuery `Action`).",
        Protocol::AwsJson { .. } => {
            " The operation's name in the model (the end of its `X-Amz-Target`)."
        }
        Protocol::RestJson1 => " The operation's name in the model.",
    };
    let (client_glue, fluent) = crate::emit::client::emit_operation_client(svc, op);
    quote! {
        #mod_docs

        #[doc = #name_doc]
        pub const OPERATION_NAME: &str = #wire;
        /// Whether the operation is sent without a signature.
        pub const UNSIGNED: bool = #unsigned;
        /// The modeled HTTP method.
        pub const HTTP_METHOD: &str = #method;
        /// The modeled request URI.
        pub const HTTP_URI: &str = #uri;
        /// Content encodings the service accepts for large request bodies (`requestcompression`).
        pub const REQUEST_COMPRESSION: &[&str] = &[#(#encodings),*];
        #iam_action

        #input_value
        #output_value
        #error
        #protocol
        #client_glue

        /// Builders for this operation's input and output.
        pub mod builders {
            #input_builder_tokens
            #output_builder_tokens
            #fluent
        }
    }
}

/// The module of an operation the generator does not support yet: its docs, why, and no types
/// or method.
pub fn emit_unsupported(op: &UnsupportedOperation) -> TokenStream {
    let docs = format!(
        "`{}`: **not supported by this generator yet**: {}. The client has no method for it and \
         no types are generated for it; the operation's documentation follows.\n\n{}",
        op.wire_name, op.reason, op.docs
    );
    let mod_docs = inner_doc_attrs(&docs, "");
    let wire = &op.wire_name;
    let reason = &op.reason;
    quote! {
        #mod_docs

        /// The operation's name in the model.
        pub const OPERATION_NAME: &str = #wire;
        /// Why this generator does not generate the operation yet.
        pub const NOT_SUPPORTED: &str = #reason;
    }
}

/// A struct with no members (and its builder), for operations without an input or output shape.
fn empty_struct(
    name: &str,
    builder: &str,
    doc: &str,
    is_output: bool,
) -> (TokenStream, TokenStream) {
    let n = naming::ident(name);
    let b = naming::ident(builder);
    let doc = format!(" {doc}");
    let bdoc = format!(" A builder for [`{name}`](super::{name}).");
    let rid_field = is_output.then(|| {
        quote! {
            /// The request id of the response this output was read from.
            pub(crate) _request_id: ::std::option::Option<::std::string::String>,
        }
    });
    let rid_builder_field = is_output
        .then(|| quote! { pub(crate) _request_id: ::std::option::Option<::std::string::String>, });
    let rid_init = is_output.then(|| quote! { _request_id: self._request_id });
    let rid_impl = is_output.then(|| {
        quote! {
            impl ::stsgen_runtime::RequestId for #n {
                fn request_id(&self) -> ::std::option::Option<&str> {
                    self._request_id.as_deref()
                }
            }
        }
    });
    let rid_setter = is_output.then(|| quote! {
        /// Sets the request id (normally read from the response).
        pub fn response_request_id(mut self, request_id: impl ::std::convert::Into<::std::string::String>) -> Self {
            self._request_id = ::std::option::Option::Some(request_id.into());
            self
        }
    });
    (
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, Default, PartialEq)]
            #[non_exhaustive]
            pub struct #n {
                #rid_field
            }

            impl #n {
                /// A builder for this type.
                pub fn builder() -> builders::#b {
                    builders::#b::default()
                }

                /// Nothing to check: the type has no members.
                ///
                /// # Errors
                /// Never.
                pub fn validate(&self) -> ::std::result::Result<(), ::stsgen_runtime::BuildError> {
                    Ok(())
                }
            }

            #rid_impl
        },
        quote! {
            #[doc = #bdoc]
            #[derive(Clone, Debug, Default, PartialEq)]
            #[non_exhaustive]
            pub struct #b {
                #rid_builder_field
            }

            impl #b {
                #rid_setter

                /// Builds the value.
                ///
                /// # Errors
                /// Never; the signature matches every other builder.
                pub fn build(self) -> ::std::result::Result<super::#n, ::stsgen_runtime::BuildError> {
                    Ok(super::#n { #rid_init })
                }
            }
        },
    )
}

/// The operation's sans-IO protocol functions: `serialize_body`, `request`, `parse_output`, `parse_error`.
fn protocol_fns(svc: &Service, op: &Operation) -> TokenStream {
    let input_ty = naming::suffixed_ident(&op.rust_name, "Input");
    let output_ty = naming::suffixed_ident(&op.rust_name, "Output");
    let error_ty = naming::suffixed_ident(&op.rust_name, "Error");
    let wire = &op.wire_name;
    let ser = match op.input.and_then(|i| svc.structure(i)) {
        Some(s) if !s.members.is_empty() => {
            crate::emit::serialize::ser_members(svc, &s.members, quote! { input })
        }
        _ => quote! { let _ = (input, prefix, w); },
    };
    let wrapper = op
        .result_wrapper
        .clone()
        .unwrap_or_else(|| format!("{wire}Result"));
    // Only an output without members may come back as an empty body.
    let allow_empty = op
        .output
        .and_then(|o| svc.structure(o))
        .is_none_or(|s| s.members.is_empty());
    let read_output = match op.output {
        Some(id) => crate::emit::deserialize::de_struct_body(
            svc,
            id,
            quote! { #output_ty },
            quote! { _request_id: ::std::option::Option::None, },
            false,
        ),
        None => quote! {
            while let ::std::option::Option::Some(child) = r.next_child(tag)? {
                r.skip(&child)?;
            }
            Ok(#output_ty { _request_id: ::std::option::Option::None })
        },
    };
    let error_arms = op.error_variants.iter().filter_map(|v| {
        let e = v.shape;
        let ty = crate::emit::shapes::rust_type(svc, e);
        let variant = naming::ident(&v.name);
        if crate::emit::deserialize::message_only_error(svc, e) {
            return Some(quote! {
                #ty::CODE => {
                    let message = meta.message().map(::std::borrow::ToOwned::to_owned);
                    #error_ty::#variant(#ty { message, meta })
                }
            });
        }
        let f = crate::emit::deserialize::de_fn(svc, e);
        let fill_message = svc.structure(e)?.members.iter().any(|m| m.rust_name == "message").then(|| {
            quote! {
                if e.message.is_none() {
                    e.message = e.meta.message().map(::std::borrow::ToOwned::to_owned);
                }
            }
        });
        Some(quote! {
            #ty::CODE => {
                let mut e = ::stsgen_runtime::protocol::aws_query::with_error_element(body, crate::protocol::de::#f)
                    .map_err(|e| e.with_response(status, body))?;
                e.meta = meta;
                #fill_message
                #error_ty::#variant(e)
            }
        })
    }).collect::<Vec<_>>();
    let classify = if error_arms.is_empty() {
        quote! { #error_ty::Unhandled(::stsgen_runtime::UnhandledError::new(meta)) }
    } else {
        quote! {
            match meta.code() {
                #(#error_arms)*
                _ => #error_ty::Unhandled(::stsgen_runtime::UnhandledError::new(meta)),
            }
        }
    };
    let host_prefix_fn = op
        .host_prefix
        .as_ref()
        .map(|hp| host_prefix_fn(svc, op, hp, &input_ty));
    quote! {
        #host_prefix_fn

        /// The awsQuery form body for `input` (`Action`, `Version`, then every set member;
        /// unset idempotency tokens are filled).
        pub fn serialize_body(input: &#input_ty) -> ::std::string::String {
            let mut writer = ::stsgen_runtime::protocol::aws_query::QueryWriter::new(OPERATION_NAME, crate::meta::API_VERSION);
            {
                let w = &mut writer;
                let prefix = "";
                #ser
            }
            writer.finish()
        }

        /// The unsigned HTTP request for `input`: method, URI, `content-type`, `content-length`
        /// and body. The client adds `host`, `user-agent` and the signature.
        pub fn request(input: &#input_ty) -> ::stsgen_runtime::http::Request<::std::vec::Vec<u8>> {
            ::stsgen_runtime::protocol::aws_query::form_request(HTTP_METHOD, HTTP_URI, serialize_body(input), REQUEST_COMPRESSION)
        }

        /// Reads a successful response body.
        ///
        /// # Errors
        /// A [`ParseError`](::stsgen_runtime::ParseError) naming what was malformed or missing.
        pub fn parse_output(body: &[u8]) -> ::std::result::Result<#output_ty, ::stsgen_runtime::ParseError> {
            let (mut output, request_id) = ::stsgen_runtime::protocol::aws_query::parse_response(body, #wrapper, #allow_empty, |r, tag| {
                #read_output
            })?;
            output._request_id = request_id;
            Ok(output)
        }

        /// Reads an error response: the modeled error its code names, or `Unhandled`.
        ///
        /// # Errors
        /// A [`ParseError`](::stsgen_runtime::ParseError) with the status and the start of the
        /// body when the body is not an awsQuery error document.
        pub fn parse_error(
            status: u16,
            headers: &::stsgen_runtime::http::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<#error_ty, ::stsgen_runtime::ParseError> {
            let header_request_id = ::stsgen_runtime::protocol::amzn_request_id(headers);
            let meta = ::stsgen_runtime::protocol::aws_query::parse_error_metadata(status, header_request_id, body)?;
            Ok(#classify)
        }
    }
}
