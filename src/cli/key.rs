//! `treem key create|show|rotate [PIPELINE]`: the secret behind a pipeline's child keys —
//! where it is, its fingerprint (never the secret), a new one. See `crate::secret_key`.

use std::path::PathBuf;

use crate::config;
use crate::error::Error;
use crate::secret_key::{self, KeyEnv, Location};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Create the pipeline's key where a run would look for it (refused if one is there).
    Create {
        /// The pipeline file; the bundled sample pipeline when not given.
        pipeline: Option<PathBuf>,
    },
    /// Where the pipeline's key is, and its fingerprint.
    Show { pipeline: Option<PathBuf> },
    /// Replace the key with a new one; the old one is kept beside it, renamed.
    Rotate { pipeline: Option<PathBuf> },
}

pub fn run(args: Args) -> Result<u8, Error> {
    let env = KeyEnv::from_process();
    let (pipeline, action) = match args.action {
        Action::Create { pipeline } => (pipeline, "create"),
        Action::Show { pipeline } => (pipeline, "show"),
        Action::Rotate { pipeline } => (pipeline, "rotate"),
    };
    let plan = config::load(&super::pipeline_path(pipeline))?;
    let location =
        Location::find(&env, plan.secret_key_file.as_deref(), &plan.name).map_err(Error::Secret)?;
    match (action, &location) {
        ("show", _) => show(&location, &env),
        (_, Location::Environment) => Err(Error::Secret(format!(
            "The key comes from the environment variable {}, which treem does not manage: \
             unset it to use a key file, or change its value where it is set (the next run \
             then reads everything again).",
            secret_key::SECRET_ENV
        ))),
        ("create", Location::PipelineFile(path) | Location::Default(path)) => {
            if path.exists() {
                return Err(Error::Secret(format!(
                    "A key already exists at {}; `treem key rotate` replaces it.",
                    path.display()
                )));
            }
            let secret = secret_key::create(path, location.clone()).map_err(Error::Secret)?;
            println!("Created a new key: {}", path.display());
            println!("Fingerprint: {}", secret.fingerprint());
            record_id(&env, &secret);
            println!(
                "Back it up where only the statistics office can read it: without it, \
                 children no longer link across runs and years."
            );
            Ok(0)
        }
        (_, Location::PipelineFile(path) | Location::Default(path)) => {
            if !path.exists() {
                return Err(Error::Secret(format!(
                    "There is no key at {} to rotate; `treem key create` makes one.",
                    path.display()
                )));
            }
            let (secret, retired) =
                secret_key::rotate(path, location.clone()).map_err(Error::Secret)?;
            println!("Rotated the key: {}", path.display());
            println!("New fingerprint: {}", secret.fingerprint());
            record_id(&env, &secret);
            println!(
                "The old key is kept as {}: delete it once no one needs to link the old \
                 outputs to anything.",
                retired.display()
            );
            println!(
                "The next run reads every input again and gives every child and case a new \
                 key: its outputs no longer link to earlier ones."
            );
            Ok(0)
        }
    }
}

/// Records the new key's id in the ledger now rather than at the first run, which a
/// sandboxed service may run with the key folder read-only.
fn record_id(env: &KeyEnv, secret: &secret_key::Secret) {
    match secret_key::key_id(env, secret) {
        Ok(id) => println!("Key id: {id}"),
        Err(why) => super::log_line(&crate::log::warning(&format!(
            "The key's id could not be recorded ({why}); the first run records it."
        ))),
    }
}

fn show(location: &Location, env: &KeyEnv) -> Result<u8, Error> {
    println!("Key: {location}");
    match secret_key::read_existing(location, env).map_err(Error::Secret)? {
        Some(secret) => {
            println!("Fingerprint: {}", secret.fingerprint());
            Ok(0)
        }
        None => {
            println!("Not created yet: the first run creates it, or `treem key create`.");
            Ok(0)
        }
    }
}
