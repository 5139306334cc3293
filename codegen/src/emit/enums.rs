//! String enums: one Rust enum per `enum` string shape, keeping unknown values.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::doc::doc_attrs;
use crate::emit::shapes::deprecated_attr;
use crate::ir::{Service, ShapeId, ShapeKind};
use crate::naming;

/// Emits the enum for a string shape with `enum` values.
pub fn emit_enum(svc: &Service, id: ShapeId) -> TokenStream {
    let shape = svc.shape(id);
    let ShapeKind::String(s) = &shape.kind else {
        return quote! {};
    };
    let name = naming::ident(&shape.rust_name);
    let docs = doc_attrs(&shape.docs, &format!("Values of `{}`.", shape.wire_name));
    let dep = deprecated_attr(&shape.deprecated);
    let variants: Vec<_> = s
        .enum_values
        .iter()
        .map(|v| naming::ident(&v.rust))
        .collect();
    let wires: Vec<_> = s.enum_values.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    quote! {
        #docs
        #dep
        ///
        /// Values this crate does not know (added to the service after it was generated) are
        /// kept as [`Unknown`](Self::Unknown), so reading a newer response never fails.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version of the crate does not know.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the model lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #wires, )*
                    #name::Unknown(v) => v.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => #name::#variants, )*
                    other => #name::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                #name::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(#name::from(value))
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}
