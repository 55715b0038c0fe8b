//! Command-line values for the core's choice enums (declared with strum there, since the core has no clap).

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use std::marker::PhantomData;
use std::str::FromStr;
use strum::{EnumMessage, VariantArray};

/// A clap value parser for an enum the core declares with strum's derives: the accepted names,
/// their help lines in `--help` and the "possible values" error all come from that declaration.
pub struct Choice<T>(PhantomData<fn() -> T>);

impl<T> Clone for Choice<T> {
    fn clone(&self) -> Self {
        Choice(PhantomData)
    }
}

/// `#[arg(value_parser = choice::<T>())]`
pub fn choice<T>() -> Choice<T> {
    Choice(PhantomData)
}

impl<T> Choice<T>
where
    T: VariantArray + EnumMessage + AsRef<str> + 'static,
{
    fn values() -> impl Iterator<Item = PossibleValue> {
        T::VARIANTS.iter().map(|v| {
            let value = PossibleValue::new(v.as_ref());
            match v.get_documentation() {
                Some(doc) => value.help(doc.trim().to_string()),
                None => value,
            }
        })
    }
}

impl<T> TypedValueParser for Choice<T>
where
    T: VariantArray + EnumMessage + AsRef<str> + FromStr + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let name = PossibleValuesParser::new(Self::values()).parse_ref(cmd, arg, value)?;
        T::from_str(&name)
            .map_err(|_| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(Self::values()))
    }
}
