//! The secret behind child and case keys: where it lives, how it is guarded, and how a run
//! knows which secret keyed the clean tables it finds.
//!
//! Child ids are enumerable (`TE-64623-000117`), so whoever holds the secret can turn every
//! key back into an id. The secret therefore never lives in the output folder, which is
//! made to be copied and shared:
//!
//! - `TREEM_SECRET_KEY`, when set, is the secret (for tests and for schedulers that inject
//!   secrets);
//! - else the file the pipeline names (`[privacy] secret_key_file`);
//! - else `<config>/treem/keys/<pipeline name>.key`, where `<config>` is `$TREEM_KEY_DIR`'s
//!   parent rule below: `$TREEM_KEY_DIR` itself if set, else `$XDG_CONFIG_HOME/treem/keys`,
//!   else `$HOME/.config/treem/keys`. It is created on first use with mode 0600 in a folder
//!   of mode 0700.
//!
//! A key file that group or others may read, or a key file inside the output folder, stops
//! the run (exit 2) with what to do. A `secret.key` left in an output folder by an older
//! treem is moved to the default home when that is where the key belongs, and otherwise
//! stops the run.
//!
//! Which secret keyed the clean tables is told by a *key id*: a random tag, not derived
//! from the secret, kept in a small ledger beside the keys (`ids`, fingerprint → id). The
//! clean tables record the id, so a run under another secret (a rotated key, a changed
//! variable) reads everything again and says so, and nothing under the output folder is
//! derived from the secret but the keys themselves.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rand::RngCore;
use sha2::{Digest, Sha256};

/// The environment variable holding the secret itself.
pub const SECRET_ENV: &str = "TREEM_SECRET_KEY";
/// The environment variable naming the folder of default key files.
pub const KEY_DIR_ENV: &str = "TREEM_KEY_DIR";
/// The name an older treem gave the key it created inside the output folder.
pub const LEGACY_NAME: &str = "secret.key";
/// The ledger of key ids beside the default key files.
const LEDGER: &str = "ids";
/// A secret shorter than this is refused: an HMAC is only as strong as its key.
pub const MIN_SECRET_BYTES: usize = 16;

/// The process environment as far as keys are concerned, passed in rather than read
/// inside, so that tests do not depend on the environment they run in.
#[derive(Debug, Clone, Default)]
pub struct KeyEnv {
    pub secret: Option<String>,
    pub key_dir: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    pub home: Option<PathBuf>,
}

impl KeyEnv {
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        KeyEnv {
            secret: std::env::var(SECRET_ENV).ok().filter(|v| !v.is_empty()),
            key_dir: var(KEY_DIR_ENV).map(PathBuf::from),
            xdg_config_home: var("XDG_CONFIG_HOME").map(PathBuf::from),
            home: var("HOME").map(PathBuf::from),
        }
    }

    /// The folder of default key files and the ledger.
    pub fn key_home(&self) -> Result<PathBuf, String> {
        if let Some(dir) = &self.key_dir {
            return Ok(dir.clone());
        }
        if let Some(config) = &self.xdg_config_home {
            return Ok(config.join("treem").join("keys"));
        }
        if let Some(home) = &self.home {
            return Ok(home.join(".config").join("treem").join("keys"));
        }
        Err(format!(
            "There is no folder for the secret key: set {KEY_DIR_ENV} (or XDG_CONFIG_HOME or \
             HOME), name a key file in the pipeline file ([privacy] secret_key_file), or set \
             {SECRET_ENV}."
        ))
    }
}

/// Where the secret of a pipeline comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `TREEM_SECRET_KEY`.
    Environment,
    /// The file the pipeline file names.
    PipelineFile(PathBuf),
    /// The default home's file for the pipeline, whether or not it exists yet.
    Default(PathBuf),
}

impl Location {
    /// Where the secret of pipeline `name` is to be found, `key_file` being the pipeline
    /// file's `secret_key_file`. Nothing is read or created.
    pub fn find(env: &KeyEnv, key_file: Option<&Path>, name: &str) -> Result<Self, String> {
        if env.secret.is_some() {
            return Ok(Location::Environment);
        }
        if let Some(path) = key_file {
            return Ok(Location::PipelineFile(path.to_path_buf()));
        }
        Ok(Location::Default(
            env.key_home()?.join(format!("{name}.key")),
        ))
    }

    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::Environment => None,
            Location::PipelineFile(p) | Location::Default(p) => Some(p),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Environment => write!(f, "the environment variable {SECRET_ENV}"),
            Location::PipelineFile(p) => {
                write!(
                    f,
                    "the key file {} (named in the pipeline file)",
                    p.display()
                )
            }
            Location::Default(p) => write!(f, "the key file {}", p.display()),
        }
    }
}

/// A secret, read and checked. Its bytes are never printed: `Debug` hides them.
#[derive(Clone)]
pub struct Secret {
    bytes: Vec<u8>,
    pub location: Location,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Secret {{ location: {:?}, bytes: <hidden> }}",
            self.location
        )
    }
}

impl Secret {
    pub fn new(bytes: Vec<u8>, location: Location) -> Result<Self, String> {
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "The secret key from {location} is {} bytes long; at least {MIN_SECRET_BYTES} are needed.",
                bytes.len()
            ));
        }
        Ok(Secret { bytes, location })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A short tag that tells secrets apart without revealing them (`SHA256:` and 32 hex
    /// digits of a domain-separated hash), for people comparing keys and for the ledger.
    /// It is shown on a terminal and kept beside the keys, never under an output folder.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"treem key fingerprint\0");
        hasher.update(&self.bytes);
        format!("SHA256:{}", &hex::encode(hasher.finalize())[..32])
    }
}

/// What finding the secret for a run did, for its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Created(PathBuf),
    /// A key file found in the output folder moved to the default home.
    MovedOut {
        from: PathBuf,
        to: PathBuf,
    },
    /// A key file found in the output folder removed: the same secret is kept elsewhere.
    RemovedCopy(PathBuf),
    /// The ledger could not be written: the key id is new every run.
    Unrecorded(String),
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Created(p) => write!(
                f,
                "Created a new secret key {} (mode 0600). Back it up where only the \
                 statistics office can read it: without it, children no longer link across \
                 runs and years.",
                p.display()
            ),
            Event::MovedOut { from, to } => write!(
                f,
                "Moved the secret key out of the output folder, where anyone handed a copy \
                 of the folder would have it: {} -> {}.",
                from.display(),
                to.display()
            ),
            Event::RemovedCopy(p) => write!(
                f,
                "Removed a copy of the secret key from the output folder ({}); the key \
                 itself is kept outside it.",
                p.display()
            ),
            Event::Unrecorded(why) => write!(
                f,
                "Warning: the key's id cannot be recorded ({why}); every run will read all \
                 inputs again."
            ),
        }
    }
}

/// The secret a run keys with, and the random id the clean tables record for it.
#[derive(Debug, Clone)]
pub struct RunKey {
    pub secret: Secret,
    pub id: String,
    pub events: Vec<Event>,
}

/// Finds, checks and if need be creates the secret of pipeline `name` for a run writing
/// into `out`; a key file left in `out` by an older treem is moved out or stops the run.
pub fn for_run(
    env: &KeyEnv,
    key_file: Option<&Path>,
    name: &str,
    out: &Path,
) -> Result<RunKey, String> {
    let location = Location::find(env, key_file, name)?;
    if let Some(path) = location.file() {
        refuse_inside(path, out)?;
    }
    let mut events = Vec::new();
    let legacy = out.join(LEGACY_NAME);
    if legacy.is_file() {
        events.push(move_legacy_out(&legacy, &location)?);
    }
    let secret = match (read_existing(&location, env)?, &location) {
        (Some(secret), _) => secret,
        (None, Location::Default(path)) => {
            let secret = create(path, location.clone())?;
            events.push(Event::Created(path.clone()));
            secret
        }
        (None, _) => {
            return Err(format!(
                "The key file {} named in the pipeline file does not exist. Create it with \
                 `treem key create`, or restore it from its backup.",
                location.file().unwrap_or(Path::new("")).display()
            ))
        }
    };
    let id = match key_id(env, &secret) {
        Ok(id) => id,
        Err(why) => {
            events.push(Event::Unrecorded(why));
            format!("unrecorded-{}", random_hex(8))
        }
    };
    Ok(RunKey { secret, id, events })
}

/// Reads the secret at `location` without creating anything (for `treem key show`).
pub fn read_existing(location: &Location, env: &KeyEnv) -> Result<Option<Secret>, String> {
    match location {
        Location::Environment => Secret::new(
            env.secret
                .as_deref()
                .unwrap_or_default()
                .trim()
                .as_bytes()
                .to_vec(),
            location.clone(),
        )
        .map(Some),
        Location::PipelineFile(path) | Location::Default(path) => match path.exists() {
            true => read(path, location.clone()).map(Some),
            false => Ok(None),
        },
    }
}

/// A key file's secret: its one line that is not a `#` comment, trimmed. The file must be
/// readable by its owner alone.
pub fn read(path: &Path, location: Location) -> Result<Secret, String> {
    check_private(path)?;
    let text = std::fs::read(path)
        .map_err(|e| format!("Cannot read the secret key file {}: {e}.", path.display()))?;
    let text = String::from_utf8_lossy(&text);
    let lines = secret_lines(&text);
    match lines.as_slice() {
        [secret] => Secret::new(secret.as_bytes().to_vec(), location),
        [] => Err(format!("The secret key file {} is empty.", path.display())),
        _ => Err(format!(
            "The secret key file {} has {} lines that are not comments; it must have one, the secret.",
            path.display(),
            lines.len()
        )),
    }
}

/// Creates a new random secret at `path` (mode 0600, its folder 0700 if treem makes it).
/// The default home must be private already; a folder the pipeline file chose is the
/// operator's (an `/etc/treem` of mode 0755 is fine: the file itself is 0600).
pub fn create(path: &Path, location: Location) -> Result<Secret, String> {
    let secret = random_hex(32);
    let text = format!(
        "# treem secret key: the HMAC key behind every child_key and case_key.\n\
         # Keep it private (mode 0600) and backed up; never put it in an output folder.\n\
         {secret}\n"
    );
    if let Some(dir) = path.parent() {
        match location {
            Location::Default(_) => private_dir(dir)?,
            _ if !dir.as_os_str().is_empty() && !dir.exists() => private_dir(dir)?,
            _ => {}
        }
    }
    write_private(path, text.as_bytes())?;
    Secret::new(secret.into_bytes(), location)
}

/// Replaces the key at `path` with a new one; the old one is kept beside it as
/// `<name>.retired-<time>` (mode 0600) and its path returned.
pub fn rotate(path: &Path, location: Location) -> Result<(Secret, PathBuf), String> {
    check_private(path)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut retired = path.as_os_str().to_owned();
    retired.push(format!(".retired-{stamp}"));
    let retired = PathBuf::from(retired);
    if retired.exists() {
        return Err(format!(
            "{} already exists; wait a second and try again.",
            retired.display()
        ));
    }
    std::fs::rename(path, &retired)
        .map_err(|e| format!("Cannot move the old key {} aside: {e}.", path.display()))?;
    match create(path, location) {
        Ok(secret) => Ok((secret, retired)),
        Err(e) => {
            // Put the old key back: a failed rotation leaves the key as it was.
            let _ = std::fs::rename(&retired, path);
            Err(e)
        }
    }
}

/// Stops when the key file is inside the output folder (both compared as absolute paths
/// with symbolic links resolved as far as they exist).
fn refuse_inside(key: &Path, out: &Path) -> Result<(), String> {
    let (key_abs, out_abs) = (resolved(key), resolved(out));
    if key_abs.starts_with(&out_abs) {
        return Err(format!(
            "The secret key file {} is inside the output folder {}, which is made to be \
             copied and shared: whoever gets a copy could turn every child key back into an \
             id. Keep the key outside it: move the file elsewhere and name that place in \
             the pipeline file, or remove secret_key_file to use the default that \
             `treem key show` prints.",
            key.display(),
            out.display()
        ));
    }
    Ok(())
}

/// `path` made absolute, with the longest existing prefix canonicalised (resolving links)
/// and the rest appended with `.` and `..` folded.
fn resolved(path: &Path) -> PathBuf {
    let absolute = match path.is_absolute() {
        true => path.to_path_buf(),
        false => std::env::current_dir().unwrap_or_default().join(path),
    };
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return fold(&out);
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return fold(&absolute),
        }
    }
}

fn fold(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// An older treem's `secret.key` in the output folder: moved to the default home when the
/// run's key belongs there and none is there yet; removed when the run's key is the same
/// secret; otherwise the run stops, saying what to do.
fn move_legacy_out(legacy: &Path, location: &Location) -> Result<Event, String> {
    let found =
        std::fs::read(legacy).map_err(|e| format!("Cannot read {}: {e}.", legacy.display()))?;
    let stop = |why: &str| {
        format!(
            "A secret key file {} is in the output folder, where anyone handed a copy of the \
             folder would have it; {why}. Move it out of the output folder (for example \
             `mv {} ~/treem-old-secret.key`, then `chmod 600` it) or delete it if no one \
             needs to link these outputs to later ones, and run again.",
            legacy.display(),
            legacy.display()
        )
    };
    match location {
        Location::Default(home) if !home.exists() => {
            if let Some(dir) = home.parent() {
                private_dir(dir)?;
            }
            write_private(home, &found)?;
            std::fs::remove_file(legacy)
                .map_err(|e| format!("Cannot remove {}: {e}.", legacy.display()))?;
            Ok(Event::MovedOut {
                from: legacy.to_path_buf(),
                to: home.clone(),
            })
        }
        Location::Default(path) | Location::PipelineFile(path) => {
            let same = std::fs::read(path).is_ok_and(|kept| trimmed(&kept) == trimmed(&found));
            if same {
                std::fs::remove_file(legacy)
                    .map_err(|e| format!("Cannot remove {}: {e}.", legacy.display()))?;
                Ok(Event::RemovedCopy(legacy.to_path_buf()))
            } else {
                Err(stop(&format!(
                    "the run keys with {location}, which holds another secret"
                )))
            }
        }
        Location::Environment => Err(stop(&format!("the run keys with {location}"))),
    }
}

/// A key file's lines that are not blank or `#` comments, trimmed: the secret's line.
fn secret_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn trimmed(bytes: &[u8]) -> Vec<u8> {
    secret_lines(&String::from_utf8_lossy(bytes))
        .join("\n")
        .into_bytes()
}

/// The random id of `secret` from the ledger beside the default key files, a new one
/// recorded there for a secret not seen before. `treem key create` and `rotate` record it
/// at once, so that a run sandboxed with the key folder read-only finds it there.
pub fn key_id(env: &KeyEnv, secret: &Secret) -> Result<String, String> {
    let home = env.key_home()?;
    let ledger = home.join(LEDGER);
    let fingerprint = secret.fingerprint();
    let text = match ledger.exists() {
        true => {
            check_private(&ledger)?;
            std::fs::read_to_string(&ledger)
                .map_err(|e| format!("cannot read {}: {e}", ledger.display()))?
        }
        false => String::new(),
    };
    for line in text.lines() {
        if let Some((f, id)) = line.split_once(' ') {
            if f == fingerprint {
                return Ok(id.trim().to_string());
            }
        }
    }
    let id = random_hex(8);
    private_dir(&home)?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&ledger)
        .map_err(|e| format!("cannot write {}: {e}", ledger.display()))?;
    file.write_all(format!("{fingerprint} {id}\n").as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", ledger.display()))?;
    Ok(id)
}

/// Every form in which treem could have written `secret` into a file: as it is, in either
/// letter case, as hex, as the bytes its hex digits stand for, and as UTF-16. A search for
/// the key in a folder looks for all of them.
pub fn encodings(secret: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![
        secret.to_vec(),
        secret.to_ascii_lowercase(),
        secret.to_ascii_uppercase(),
        hex::encode(secret).into_bytes(),
        hex::encode_upper(secret).into_bytes(),
    ];
    if let Ok(raw) = hex::decode(secret) {
        out.push(raw);
    }
    let text = String::from_utf8_lossy(secret);
    out.push(text.encode_utf16().flat_map(u16::to_le_bytes).collect());
    out.push(text.encode_utf16().flat_map(u16::to_be_bytes).collect());
    out.sort();
    out.dedup();
    out
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Stops unless `path` may be read by its owner alone.
fn check_private(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("Cannot read the secret key file {}: {e}.", path.display()))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "The secret key file {} may be read by others (mode {mode:04o}); only its \
                 owner may read it. Fix it with: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates `dir` (mode 0700) if needed; an existing folder that others may enter stops.
fn private_dir(dir: &Path) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("Cannot create the key folder {}: {e}.", dir.display());
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(fail)?;
        // Folders above the last one got the same mode: the key's own folder is what matters.
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).map_err(fail)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "The key folder {} may be entered by others (mode {mode:04o}); only its owner \
                 may. Fix it with: chmod 700 {}",
                dir.display(),
                dir.display()
            ));
        }
    }
    Ok(())
}

/// Writes a new file readable by its owner alone; an existing file is never overwritten.
fn write_private(path: &Path, contents: &[u8]) -> Result<(), String> {
    let fail =
        |e: std::io::Error| format!("Cannot create the secret key file {}: {e}.", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(contents).map_err(fail)?;
    file.sync_all().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_in(dir: &Path) -> KeyEnv {
        KeyEnv {
            key_dir: Some(dir.join("keys")),
            ..KeyEnv::default()
        }
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_key_home_follows_the_variables_in_order() {
        let mut env = KeyEnv {
            home: Some("/home/u".into()),
            ..KeyEnv::default()
        };
        assert_eq!(
            env.key_home().unwrap(),
            Path::new("/home/u/.config/treem/keys")
        );
        env.xdg_config_home = Some("/cfg".into());
        assert_eq!(env.key_home().unwrap(), Path::new("/cfg/treem/keys"));
        env.key_dir = Some("/srv/keys".into());
        assert_eq!(env.key_home().unwrap(), Path::new("/srv/keys"));
        assert!(KeyEnv::default().key_home().is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_new_key_is_private_reused_and_keeps_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let out = dir.path().join("out");
        let a = for_run(&env, None, "p", &out).unwrap();
        let path = dir.path().join("keys/p.key");
        assert_eq!(a.events, vec![Event::Created(path.clone())]);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("keys")), 0o700);
        assert_eq!(mode(&dir.path().join("keys/ids")), 0o600);
        let b = for_run(&env, None, "p", &out).unwrap();
        assert!(b.events.is_empty());
        assert_eq!(a.secret.bytes(), b.secret.bytes());
        assert_eq!(a.id, b.id);
        assert_eq!(a.secret.bytes().len(), 64);
        // Another pipeline, another key and id.
        let c = for_run(&env, None, "q", &out).unwrap();
        assert_ne!(a.secret.bytes(), c.secret.bytes());
        assert_ne!(a.id, c.id);
        // The id is not the fingerprint, nor any part of it.
        assert!(!a.secret.fingerprint().contains(&a.id));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_stops_with_the_chmod_to_fix_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let out = dir.path().join("out");
        for_run(&env, None, "p", &out).unwrap();
        let path = dir.path().join("keys/p.key");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let e = for_run(&env, None, "p", &out).unwrap_err();
        assert!(e.contains("mode 0640"), "{e}");
        assert!(e.contains(&format!("chmod 600 {}", path.display())), "{e}");
    }

    #[test]
    fn a_key_file_inside_the_output_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let out = dir.path().join("out");
        // Through a `..` and before the folder exists.
        let key = dir.path().join("out/sub/../k.key");
        let e = for_run(&env, Some(&key), "p", &out).unwrap_err();
        assert!(e.contains("inside the output folder"), "{e}");
        assert!(!key.exists());
        let beside = dir.path().join("k.key");
        create(&beside, Location::PipelineFile(beside.clone())).unwrap();
        assert!(for_run(&env, Some(&beside), "p", &out).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn an_old_key_in_the_output_folder_is_moved_out_or_stops_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let legacy = out.join(LEGACY_NAME);
        std::fs::write(&legacy, "00112233445566778899aabbccddeeff\n").unwrap();
        let run = for_run(&env, None, "p", &out).unwrap();
        let home = dir.path().join("keys/p.key");
        assert_eq!(
            run.events,
            vec![Event::MovedOut {
                from: legacy.clone(),
                to: home.clone()
            }]
        );
        assert!(!legacy.exists());
        assert_eq!(mode(&home), 0o600);
        assert_eq!(run.secret.bytes(), b"00112233445566778899aabbccddeeff");
        // A copy of the same secret is removed; another secret stops the run.
        std::fs::write(&legacy, "00112233445566778899aabbccddeeff").unwrap();
        let again = for_run(&env, None, "p", &out).unwrap();
        assert_eq!(again.events, vec![Event::RemovedCopy(legacy.clone())]);
        assert_eq!(again.id, run.id);
        std::fs::write(&legacy, "ffeeddccbbaa99887766554433221100").unwrap();
        let e = for_run(&env, None, "p", &out).unwrap_err();
        assert!(e.contains("another secret") && e.contains("mv "), "{e}");
        assert!(legacy.exists());
        let with_env = KeyEnv {
            secret: Some("a secret from the environment".into()),
            ..env.clone()
        };
        let e = for_run(&with_env, None, "p", &out).unwrap_err();
        assert!(e.contains(SECRET_ENV), "{e}");
    }

    #[test]
    fn the_environment_wins_and_a_changed_secret_gets_another_id() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut env = env_in(dir.path());
        env.secret = Some("  first secret, long enough \n".into());
        let a = for_run(&env, None, "p", &out).unwrap();
        assert_eq!(a.secret.bytes(), b"first secret, long enough");
        assert_eq!(a.secret.location, Location::Environment);
        assert_eq!(for_run(&env, None, "p", &out).unwrap().id, a.id);
        env.secret = Some("second secret, long enough".into());
        assert_ne!(for_run(&env, None, "p", &out).unwrap().id, a.id);
        env.secret = Some("short".into());
        assert!(for_run(&env, None, "p", &out).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn rotation_keeps_the_old_key_aside_and_makes_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let out = dir.path().join("out");
        let before = for_run(&env, None, "p", &out).unwrap();
        let path = dir.path().join("keys/p.key");
        let (secret, retired) = rotate(&path, Location::Default(path.clone())).unwrap();
        assert_ne!(secret.bytes(), before.secret.bytes());
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&retired), 0o600);
        let after = for_run(&env, None, "p", &out).unwrap();
        assert_eq!(after.secret.bytes(), secret.bytes());
        assert_ne!(after.id, before.id);
    }
}
