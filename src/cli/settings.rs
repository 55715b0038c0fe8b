//! Flags made from the core's setting tables: one generic clap `Args` for every declared section.

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use s3scope_core::settings::{FlagValues, Layered};
use std::marker::PhantomData;

/// The flags of the section whose typed layer is `L`, as given (checked later by the core, so
/// that a bad value is the core's one-line error naming the flag).
pub struct Flags<L> {
    values: FlagValues,
    section: PhantomData<L>,
}

impl<L> Flags<L> {
    /// What was given, by TOML key.
    pub fn values(&self) -> &FlagValues {
        &self.values
    }
}

impl<L> Default for Flags<L> {
    fn default() -> Self {
        Self {
            values: FlagValues::new(),
            section: PhantomData,
        }
    }
}

impl<L> Clone for Flags<L> {
    fn clone(&self) -> Self {
        Self {
            values: self.values.clone(),
            section: PhantomData,
        }
    }
}

impl<L> std::fmt::Debug for Flags<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Flags").field(&self.values).finish()
    }
}

impl<L: Layered> FromArgMatches for Flags<L> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = Self::default();
        flags.update_from_arg_matches(m)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        for s in L::SECTION.settings.iter().filter(|s| s.flag.is_some()) {
            if let Ok(Some(text)) = m.try_get_one::<String>(s.key) {
                self.values.set(s.key, text.clone());
            }
        }
        Ok(())
    }
}

impl<L: Layered> Args for Flags<L> {
    fn augment_args(mut cmd: Command) -> Command {
        for s in L::SECTION.settings {
            let Some(flag) = s.flag else { continue };
            let mut arg = Arg::new(s.key)
                .long(flag)
                .value_name(s.value_name)
                .help(s.help())
                .action(ArgAction::Set)
                .global(s.global)
                .hide(s.hidden);
            if s.switch {
                arg = arg.num_args(0..=1).default_missing_value("true");
            }
            if let Some(heading) = s.heading {
                arg = arg.help_heading(heading);
            }
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}
