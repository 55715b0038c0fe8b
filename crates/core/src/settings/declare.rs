//! The `settings!` macro: one declaration per setting, expanded into the TOML struct, the typed
//! layer, the resolved struct and the static table of [`Setting`](super::Setting)s.

/// Declares a section of settings. Each setting is
///
/// ```text
/// /// Doc lines (the flag's help and the comment in config.example.toml).
/// key: TomlType => TypedValue, check CHECK_FN [, default "TEXT" => VALUE];
///     { flag: Some("flag-name"), env: Some("VAR"), value_name: "N", example: "10", .. }
/// ```
///
/// where `TomlType` is the field of the TOML struct (`Option<u32>`; a bare type is a required
/// key) and the braces set fields of [`Setting`](crate::settings::Setting) (the rest take
/// `Setting::EMPTY`'s). A setting with a default is `TypedValue` in the resolved struct, one
/// without is `Option<TypedValue>`. `TEXT` is the default as docs show it; the section's
/// `check_defaults` test proves that it checks to `VALUE`.
#[macro_export]
macro_rules! settings {
    (
        $(#[$file_meta:meta])*
        file $File:ident, layer $Layer:ident, values $Values:ident;
        table $table:literal, style $style:ident;
        $(
            $(#[doc = $doc:literal])*
            $name:ident : $raw:ty => $ty:ty, check $check:expr
                $(, default $dtext:literal => $dval:expr)? ;
                { $($field:ident : $fvalue:expr),* $(,)? }
        )*
    ) => {
        $(#[$file_meta])*
        #[derive(Debug, Clone, Default, ::serde::Deserialize, ::serde::Serialize, PartialEq)]
        #[serde(deny_unknown_fields)]
        pub struct $File {
            $( $(#[doc = $doc])* pub $name: $raw, )*
        }

        /// One layer of the section (flags, environment, one file table): each value optional,
        /// already checked.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $Layer {
            $( pub $name: Option<$ty>, )*
        }

        /// The section resolved: flags > environment > file > the declared defaults.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $Values {
            $( $(#[doc = $doc])* pub $name: $crate::__setting_ty!($ty $(, $dval)?), )*
        }

        impl $crate::settings::Layered for $Layer {
            type File = $File;
            const SECTION: $crate::settings::Section = $crate::settings::Section {
                table: $table,
                style: $crate::settings::Style::$style,
                settings: &[$(
                    $crate::settings::Setting {
                        key: stringify!($name),
                        doc: concat!($($doc, "\n",)*),
                        default: $crate::__setting_opt!($($dtext)?),
                        $($field: $fvalue,)*
                        ..$crate::settings::Setting::EMPTY
                    },
                )*],
            };

            fn from_file(file: &$File, table: &str) -> Result<Self, String> {
                Ok(Self { $(
                    $name: match $crate::settings::RawField::given(&file.$name) {
                        Some(text) => Some($crate::settings::check_given(
                            &<Self as $crate::settings::Layered>::SECTION,
                            $crate::settings::Origin::File {
                                table: table.to_string(),
                                key: stringify!($name),
                            },
                            &text,
                            $check,
                        )?),
                        None => None,
                    },
                )* })
            }

            fn from_texts(
                get: &dyn Fn(&'static $crate::settings::Setting)
                    -> Option<($crate::settings::Origin, String)>,
            ) -> Result<Self, String> {
                let section = <Self as $crate::settings::Layered>::SECTION;
                Ok(Self { $(
                    $name: match section.get(stringify!($name)).and_then(|s| get(s)) {
                        Some((origin, text)) => Some($crate::settings::check_given(
                            &section, origin, &text, $check,
                        )?),
                        None => None,
                    },
                )* })
            }

            fn overlay(self, top: Self) -> Self {
                self.overlaid_by(top)
            }
        }

        impl $Layer {
            /// `self` with every value that `top` sets replaced by `top`'s.
            pub fn overlaid_by(self, top: Self) -> Self {
                Self { $( $name: top.$name.or(self.$name), )* }
            }

            /// The declared defaults in place of what no layer set.
            pub fn fill(self) -> $Values {
                $Values { $( $name: $crate::__setting_fill!(self.$name $(, $dval)?), )* }
            }

            /// Each declared default text passes its check and gives the declared value.
            pub fn check_defaults() -> Result<(), String> {
                let section = <Self as $crate::settings::Layered>::SECTION;
                let _ = &section; // a section may declare no default at all
                $( $crate::__setting_check_default!(section, $name, $check $(, $dtext, $dval)?); )*
                Ok(())
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __setting_ty {
    ($ty:ty) => { Option<$ty> };
    ($ty:ty, $dval:expr) => { $ty };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __setting_opt {
    () => {
        None
    };
    ($d:literal) => {
        Some($d)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __setting_fill {
    ($v:expr) => {
        $v
    };
    ($v:expr, $dval:expr) => {
        $v.unwrap_or_else(|| $dval)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __setting_check_default {
    ($section:ident, $name:ident, $check:expr) => {};
    ($section:ident, $name:ident, $check:expr, $dtext:literal, $dval:expr) => {
        let parsed = $crate::settings::check_given(
            &$section,
            $crate::settings::Origin::Other(concat!("the default of ", stringify!($name))),
            $dtext,
            $check,
        )?;
        if parsed != $dval {
            return Err(format!(
                "the default of {} is documented as {} but is {:?}",
                stringify!($name),
                $dtext,
                $dval
            ));
        }
    };
}
