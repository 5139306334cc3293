//! The client: `Client` with one method per operation returning a fluent builder, a generic
//! `send(input)`, and the glue from inputs to the runtime's orchestrator.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc::{doc_attrs, operation_docs};
use crate::emit::shapes::{deprecated_attr, member_docs, rust_type};
use crate::ir::endpoints::Setting;
use crate::ir::{Operation, Service, ShapeKind, StaticContextValue};
use crate::naming;

/// The contents of `src/client.rs`.
pub fn emit_client(svc: &Service) -> TokenStream {
    let methods = svc.operations.iter().map(|op| {
        let m = naming::ident(&op.module);
        let fluent = naming::suffixed_ident(&op.rust_name, "FluentBuilder");
        let docs = doc_attrs(&operation_docs(svc, op), "");
        let dep = deprecated_attr(&op.deprecated);
        quote! {
            #docs
            #dep
            pub fn #m(&self) -> crate::operation::#m::builders::#fluent {
                crate::operation::#m::builders::#fluent::new(self.clone())
            }
        }
    });
    let mut endpoint_params_fn = TokenStream::new();
    let resolve = if let Some(model) = &svc.endpoints {
        // Parameters bound to SDK settings (`builtIn`) come from the client configuration.
        let sets = model.params.iter().filter_map(|p| {
            let setter = naming::ident(&p.rust_name);
            let value = match p.built_in.as_ref()?.setting {
                Setting::Region => quote! { config.region.clone() },
                Setting::EndpointUrl => quote! { config.endpoint_url.clone() },
                Setting::UseFips => quote! { ::std::option::Option::Some(config.use_fips) },
                Setting::UseDualStack => quote! { ::std::option::Option::Some(config.use_dual_stack) },
                Setting::UseGlobalEndpoint => quote! {
                    ::std::option::Option::Some(config.regional_endpoints == ::stsgen_runtime::client::config::RegionalEndpoints::Legacy)
                },
                Setting::Unbound => return None,
            };
            Some(quote! {
                if let ::std::option::Option::Some(v) = #value {
                    builder = builder.#setter(v);
                }
            })
        });
        if svc
            .operations
            .iter()
            .any(|op| !op.static_context_params.is_empty())
        {
            // Operations with `staticContextParams` add theirs to the configuration's.
            endpoint_params_fn = quote! {
                /// The endpoint parameters bound to `config`'s settings, to which an operation
                /// adds its own (`staticContextParams`).
                pub(crate) fn endpoint_params(config: &Config) -> crate::endpoint::ParamsBuilder {
                    let mut builder = crate::endpoint::Params::builder();
                    #(#sets)*
                    builder
                }
            };
            quote! {
                let params = endpoint_params(config).build().map_err(|e| e.to_string())?;
                crate::endpoint::resolve(&params).map_err(|e| e.to_string())
            }
        } else {
            quote! {
                let mut builder = crate::endpoint::Params::builder();
                #(#sets)*
                let params = builder.build().map_err(|e| e.to_string())?;
                crate::endpoint::resolve(&params).map_err(|e| e.to_string())
            }
        }
    } else {
        quote! {
            match &config.endpoint_url {
                ::std::option::Option::Some(url) => Ok(::stsgen_runtime::endpoint::Endpoint::new(url.clone())),
                ::std::option::Option::None => Err("this service has no endpoint rules: set an endpoint URL".to_owned()),
            }
        }
    };
    let service_id = &svc.service_id;
    let full_name = &svc.full_name;
    let client_doc = format!(
        " A client for {full_name}: one method per operation, each returning a fluent builder."
    );
    quote! {
        //! The client.

        use ::std::sync::Arc;

        pub use ::stsgen_runtime::client::{ClientConfig as Config, RetryConfig, TimeoutConfig};

        #[doc = #client_doc]
        ///
        /// Clones share one connection pool, signing-key cache and configuration.
        #[derive(Clone, Debug)]
        pub struct Client {
            handle: Arc<::stsgen_runtime::client::ClientHandle>,
        }

        impl Client {
            /// A client with this configuration.
            ///
            /// # Errors
            /// When the default HTTPS transport cannot be created.
            pub fn new(config: Config) -> ::std::result::Result<Self, ::stsgen_runtime::error::TransportError> {
                Ok(Client { handle: Arc::new(::stsgen_runtime::client::ClientHandle::new(config)?) })
            }

            /// A client configured from environment variables only, as every AWS SDK reads them
            /// (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_USE_FIPS_ENDPOINT`, ...), with
            /// credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`:
            /// no profile, no web identity, container or instance metadata. For the whole default
            /// chain and the profile's settings, as `aws_config::load_from_env()` gives them, use
            /// `Client::new(stsgen_config::load_from_env()?)`.
            ///
            /// # Errors
            /// A variable with an invalid value (named in the error), or a transport that cannot be created.
            pub fn from_env_vars() -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>> {
                let mut config = Config::from_env(#service_id)?;
                config.credentials = ::std::option::Option::Some(Arc::new(::stsgen_runtime::credentials::EnvironmentCredentials));
                Ok(Client::new(config)?)
            }

            /// The old name of [`from_env_vars`](Self::from_env_vars), which reads environment
            /// variables only (not the profile or the rest of the default chain).
            ///
            /// # Errors
            /// As [`from_env_vars`](Self::from_env_vars).
            #[deprecated(note = "reads environment variables only: use `from_env_vars()`, or `Client::new(stsgen_config::load_from_env()?)` for the whole default chain")]
            pub fn from_env() -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>> {
                Self::from_env_vars()
            }

            /// The configuration.
            pub fn config(&self) -> &Config {
                &self.handle.config
            }

            /// Sends any operation's input.
            ///
            /// # Errors
            /// See [`SdkError`](::stsgen_runtime::error::SdkError).
            pub fn send<'a, I: crate::client::OperationInput + 'a>(
                &'a self,
                input: I,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<I::Output, ::stsgen_runtime::error::SdkError<I::Error>>,
            > + Send + 'a {
                // The input's future itself (no async wrapper: one state machine less per operation).
                input.invoke(self)
            }

            #(#methods)*


            /// Runs a call (named with an underscore: no operation's method can take the name,
            /// Lambda has an `Invoke`, and a crate whose operations are all unsupported never
            /// calls it).
            pub(crate) fn _invoke<'a, O: Send + 'a, E: ::stsgen_runtime::client::ServiceError + Send + 'a>(
                &'a self,
                call: ::stsgen_runtime::client::OperationCall<O, E>,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<O, ::stsgen_runtime::error::SdkError<E>>,
            > + Send + 'a {
                ::stsgen_runtime::client::invoke(&self.handle, call)
            }
        }

        /// Resolves the endpoint for `config` (the model's endpoint rules, or the configured URL),
        /// as a call would: for requests built outside the client, such as presigned URLs.
        ///
        /// # Errors
        /// A configuration the endpoint rules reject (for example, no region), as text.
        pub fn resolve_endpoint(config: &Config) -> ::std::result::Result<::stsgen_runtime::endpoint::Endpoint, ::std::string::String> {
            #resolve
        }

        #endpoint_params_fn

        /// An operation input that [`Client::send`] can send.
        pub trait OperationInput: sealed::Sealed + Send {
            /// The operation's output.
            type Output;
            /// The operation's error enum.
            type Error: ::stsgen_runtime::client::ServiceError;
            /// Sends the input.
            fn invoke(
                self,
                client: &Client,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<Self::Output, ::stsgen_runtime::error::SdkError<Self::Error>>> + Send;

            /// Sends the input on the calling thread.
            #[cfg(feature = "blocking")]
            fn invoke_blocking(
                self,
                client: &crate::blocking::Client,
            ) -> ::std::result::Result<Self::Output, ::stsgen_runtime::error::SdkError<Self::Error>>;
        }

        pub(crate) mod sealed {
            /// Only this crate's inputs are operation inputs.
            pub trait Sealed {}
        }
    }
}

/// Per-operation client glue: `OperationInput` for the input, and the fluent builder.
pub fn emit_operation_client(svc: &Service, op: &Operation) -> (TokenStream, TokenStream) {
    let input_ty = naming::suffixed_ident(&op.rust_name, "Input");
    let output_ty = naming::suffixed_ident(&op.rust_name, "Output");
    let error_ty = naming::suffixed_ident(&op.rust_name, "Error");
    let builder_ty = naming::suffixed_ident(&op.rust_name, "InputBuilder");
    let fluent = naming::suffixed_ident(&op.rust_name, "FluentBuilder");
    let unsigned = op.unsigned;
    let signing_name = &svc.signing_name;
    let wire = &op.wire_name;
    // The `endpoint` trait: the prefix goes before the resolved (or configured) host.
    // `staticContextParams`: the operation's fixed endpoint parameters on top of the
    // configuration's (only with a rule set; the IR drops them otherwise).
    let resolve = if op.static_context_params.is_empty() || svc.endpoints.is_none() {
        quote! { crate::client::resolve_endpoint(config).map_err(::stsgen_runtime::error::SdkError::Endpoint)? }
    } else {
        let sets = op.static_context_params.iter().map(|p| {
            let setter = naming::ident(&p.rust_name);
            let value = match &p.value {
                StaticContextValue::Boolean(b) => quote! { #b },
                StaticContextValue::String(t) => quote! { #t },
                StaticContextValue::StringArray(items) => {
                    quote! { ::std::vec![#(::std::borrow::ToOwned::to_owned(#items)),*] }
                }
            };
            quote! { .#setter(#value) }
        });
        quote! {{
            let params = crate::client::endpoint_params(config)
                #(#sets)*
                .build()
                .map_err(|e| ::stsgen_runtime::error::SdkError::Endpoint(e.to_string()))?;
            crate::endpoint::resolve(&params)
                .map_err(|e| ::stsgen_runtime::error::SdkError::Endpoint(e.to_string()))?
        }}
    };
    let apply_host_prefix = op
        .host_prefix
        .as_ref()
        .map(|_| quote! { let endpoint = endpoint.with_host_prefix(&host_prefix(self)?); });
    // restJson reads outputs from headers and the status code too, and a member bound to a
    // header can hold text no header can carry (a build error).
    let (request, parse_output) = match svc.protocol {
        crate::ir::Protocol::RestJson1 => (quote! { request(self)? }, quote! { parse_output }),
        // The body's request id (awsQuery's `<RequestId>`), else the `x-amzn-RequestId` header
        // (the only place awsJson has it).
        _ => (
            quote! { request(self) },
            quote! {
                parse_output: |_status, headers, body| {
                    let mut output = parse_output(body)?;
                    if output._request_id.is_none() {
                        output._request_id = ::stsgen_runtime::protocol::amzn_request_id(headers)
                            .map(::std::borrow::ToOwned::to_owned);
                    }
                    Ok(output)
                }
            },
        ),
    };
    let glue = quote! {
        impl crate::client::sealed::Sealed for #input_ty {}

        impl crate::client::OperationInput for #input_ty {
            type Output = #output_ty;
            type Error = #error_ty;

            async fn invoke(self, client: &crate::client::Client) -> ::std::result::Result<#output_ty, ::stsgen_runtime::error::SdkError<#error_ty>> {
                let call = self.call(client.config())?;
                client._invoke(call).await
            }

            #[cfg(feature = "blocking")]
            fn invoke_blocking(self, client: &crate::blocking::Client) -> ::std::result::Result<#output_ty, ::stsgen_runtime::error::SdkError<#error_ty>> {
                let call = self.call(client.config())?;
                client._invoke(call)
            }
        }

        impl #input_ty {
            /// Validates the input and describes the call for the orchestrator.
            fn call(
                &self,
                config: &crate::client::Config,
            ) -> ::std::result::Result<::stsgen_runtime::client::OperationCall<#output_ty, #error_ty>, ::stsgen_runtime::error::SdkError<#error_ty>> {
                self.validate()?;
                let endpoint = #resolve;
                #apply_host_prefix
                Ok(::stsgen_runtime::client::OperationCall {
                    name: #wire,
                    signing_name: #signing_name,
                    unsigned: #unsigned,
                    request: #request,
                    endpoint,
                    #parse_output,
                    parse_error,
                })
            }
        }

        impl ::stsgen_runtime::client::ServiceError for #error_ty {
            fn meta(&self) -> &::stsgen_runtime::ErrorMetadata {
                #error_ty::meta(self)
            }

            fn is_modeled_retryable(&self) -> bool {
                #error_ty::is_modeled_retryable(self)
            }
        }
    };
    let setters = op.input.and_then(|i| svc.structure(i)).map(|s| {
        s.members
            .iter()
            .map(|m| {
                let f = naming::ident(&m.rust_name);
                let set = naming::prefixed_ident("set_", &m.rust_name);
                let get = naming::prefixed_ident("get_", &m.rust_name);
                let ty = rust_type(svc, m.target);
                let docs = doc_attrs(&member_docs(svc, m), "");
                let dep = deprecated_attr(&m.deprecated);
                let main = match &svc.shape(m.target).kind {
                    ShapeKind::List(l) => {
                        let item = rust_type(svc, l.member);
                        quote! {
                            #docs
                            #dep
                            pub fn #f(mut self, item: impl ::std::convert::Into<#item>) -> Self {
                                self.inner = self.inner.#f(item);
                                self
                            }
                        }
                    }
                    ShapeKind::Map(mp) => {
                        let k = rust_type(svc, mp.key);
                        let v = rust_type(svc, mp.value);
                        quote! {
                            #docs
                            #dep
                            pub fn #f(mut self, key: impl ::std::convert::Into<#k>, value: impl ::std::convert::Into<#v>) -> Self {
                                self.inner = self.inner.#f(key, value);
                                self
                            }
                        }
                    }
                    _ => quote! {
                        #docs
                        #dep
                        pub fn #f(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                            self.inner = self.inner.#f(value);
                            self
                        }
                    },
                };
                let set_doc = format!(" Sets or clears `{}`.", m.wire_name);
                let get_doc = format!(" The value set for `{}`, if any.", m.wire_name);
                quote! {
                    #main
                    #[doc = #set_doc]
                    #dep
                    pub fn #set(mut self, value: ::std::option::Option<#ty>) -> Self {
                        self.inner = self.inner.#set(value);
                        self
                    }
                    #[doc = #get_doc]
                    #dep
                    pub fn #get(&self) -> &::std::option::Option<#ty> {
                        self.inner.#get()
                    }
                }
            })
            .collect::<Vec<_>>()
    });
    let setters = setters.unwrap_or_default();
    let fluent_doc =
        format!(" Fluent builder for `{wire}`: set members, then [`send`](Self::send).");
    let fluent_tokens = quote! {
        #[doc = #fluent_doc]
        #[derive(Clone, Debug)]
        pub struct #fluent {
            client: crate::client::Client,
            inner: #builder_ty,
        }

        impl #fluent {
            pub(crate) fn new(client: crate::client::Client) -> Self {
                #fluent { client, inner: ::std::default::Default::default() }
            }

            /// The input built so far.
            pub fn as_input(&self) -> &#builder_ty {
                &self.inner
            }

            /// Builds the input (checking required members and constraints) and sends it.
            ///
            /// # Errors
            /// [`SdkError::Construction`](::stsgen_runtime::error::SdkError::Construction) for an
            /// invalid input (nothing is sent), otherwise see [`SdkError`](::stsgen_runtime::error::SdkError).
            pub async fn send(self) -> ::std::result::Result<super::#output_ty, ::stsgen_runtime::error::SdkError<super::#error_ty>> {
                let input = self.inner.build()?;
                self.client.send(input).await
            }

            #(#setters)*
        }
    };
    (glue, fluent_tokens)
}

/// The contents of `src/blocking.rs` (compiled with the crate's `blocking` feature).
pub fn emit_blocking(svc: &Service) -> TokenStream {
    let full_name = &svc.full_name;
    let service_id = &svc.service_id;
    let doc = format!(
        " A blocking client for {full_name}: send any operation input with [`Client::send`]."
    );
    quote! {
        //! The blocking client (feature `blocking`): the same request building, signing and retry
        //! policy as the async client, over a blocking transport (HTTP/1.1 over `std::net` and rustls).

        use ::std::sync::Arc;

        use crate::client::Config;

        #[doc = #doc]
        ///
        /// Build inputs with their builders (`AssumeRoleInput::builder()...build()?`) and pass
        /// them to [`send`](Self::send).
        #[derive(Clone, Debug)]
        pub struct Client {
            handle: Arc<::stsgen_runtime::client::blocking::BlockingClientHandle>,
        }

        impl Client {
            /// A client with this configuration (its `http_client` is ignored: blocking
            /// clients use their own transport).
            pub fn new(config: Config) -> Self {
                Client { handle: Arc::new(::stsgen_runtime::client::blocking::BlockingClientHandle::new(config, ::std::option::Option::None)) }
            }

            /// A client over another blocking transport.
            pub fn with_transport(config: Config, http: Arc<dyn ::stsgen_runtime::client::blocking::BlockingHttpClient>) -> Self {
                Client { handle: Arc::new(::stsgen_runtime::client::blocking::BlockingClientHandle::new(config, ::std::option::Option::Some(http))) }
            }

            /// A client configured from environment variables only, with credentials from
            /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` (no profile or
            /// default chain: for those, `Client::new(stsgen_config::load_from_env()?)`).
            ///
            /// # Errors
            /// A variable with an invalid value, named in the error.
            pub fn from_env_vars() -> ::std::result::Result<Self, ::stsgen_runtime::credentials::CredentialsError> {
                let mut config = Config::from_env(#service_id)?;
                config.credentials = ::std::option::Option::Some(Arc::new(::stsgen_runtime::credentials::EnvironmentCredentials));
                Ok(Client::new(config))
            }

            /// The old name of [`from_env_vars`](Self::from_env_vars) (environment variables only).
            ///
            /// # Errors
            /// As [`from_env_vars`](Self::from_env_vars).
            #[deprecated(note = "reads environment variables only: use `from_env_vars()`, or `Client::new(stsgen_config::load_from_env()?)` for the whole default chain")]
            pub fn from_env() -> ::std::result::Result<Self, ::stsgen_runtime::credentials::CredentialsError> {
                Self::from_env_vars()
            }

            /// The configuration.
            pub fn config(&self) -> &Config {
                self.handle.config()
            }

            /// Sends any operation's input, blocking the thread.
            ///
            /// # Errors
            /// See [`SdkError`](::stsgen_runtime::error::SdkError).
            pub fn send<I: crate::client::OperationInput>(
                &self,
                input: I,
            ) -> ::std::result::Result<I::Output, ::stsgen_runtime::error::SdkError<I::Error>> {
                input.invoke_blocking(self)
            }

            /// Runs a call (see the async client's `_invoke` for the name).
            pub(crate) fn _invoke<O, E: ::stsgen_runtime::client::ServiceError>(
                &self,
                call: ::stsgen_runtime::client::OperationCall<O, E>,
            ) -> ::std::result::Result<O, ::stsgen_runtime::error::SdkError<E>> {
                ::stsgen_runtime::client::blocking::invoke_blocking(&self.handle, call)
            }
        }
    }
}
