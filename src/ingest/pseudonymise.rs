//! Child and case ids become keys: HMAC-SHA-256 under a secret key, so the same child links
//! across files, snapshots and runs while no raw id leaves ingestion. Without the secret a
//! key cannot be turned back into an id, nor checked against a guessed one.
//!
//! The secret comes from the environment (`TREEM_SECRET_KEY`), else from the key file the
//! pipeline names, else from `secret.key` in the output folder, created on the first run
//! with mode 0600 and reused after.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

pub const SECRET_ENV: &str = "TREEM_SECRET_KEY";
/// A secret shorter than this is refused: an HMAC is only as strong as its key.
const MIN_SECRET_BYTES: usize = 16;

#[derive(Clone)]
pub struct Pseudonymiser {
    /// The HMAC with the secret already absorbed: each key costs two compressions, not four.
    keyed: Hmac<Sha256>,
}

/// Where the secret came from, for the log (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Environment,
    KeyFile(PathBuf),
    Created(PathBuf),
}

impl std::fmt::Display for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::Environment => write!(f, "the environment variable {SECRET_ENV}"),
            SecretSource::KeyFile(p) => write!(f, "the key file {}", p.display()),
            SecretSource::Created(p) => write!(f, "a new key file {}", p.display()),
        }
    }
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser { secret: <hidden> }")
    }
}

impl Pseudonymiser {
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "The secret key is {} bytes long; at least {MIN_SECRET_BYTES} are needed.",
                secret.len()
            ));
        }
        let keyed = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|e| format!("The secret key cannot be used: {e}."))?;
        Ok(Pseudonymiser { keyed })
    }

    /// Finds the secret as the module doc says, creating the output folder's key if needed.
    pub fn from_environment_or_file(
        key_file: Option<&Path>,
        out_dir: &Path,
    ) -> Result<(Self, SecretSource), String> {
        if let Ok(secret) = std::env::var(SECRET_ENV) {
            return Ok((
                Self::new(secret.trim().as_bytes())?,
                SecretSource::Environment,
            ));
        }
        if let Some(path) = key_file {
            let secret = read_secret(path)?;
            return Ok((
                Self::new(&secret)?,
                SecretSource::KeyFile(path.to_path_buf()),
            ));
        }
        let path = out_dir.join("secret.key");
        if path.exists() {
            let secret = read_secret(&path)?;
            return Ok((Self::new(&secret)?, SecretSource::KeyFile(path)));
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let secret = hex::encode(bytes);
        create_private_file(&path, secret.as_bytes())?;
        Ok((Self::new(secret.as_bytes())?, SecretSource::Created(path)))
    }

    pub fn child_key(&self, child_id: &str) -> Key {
        self.key("child", child_id)
    }

    pub fn case_key(&self, case_id: &str) -> Key {
        self.key("case", case_id)
    }

    /// Ids are compared the way exports differ: spacing and letter case do not matter.
    /// The domain tag keeps a case id from ever sharing a key with a child id.
    fn key(&self, domain: &str, id: &str) -> Key {
        let mut mac = self.keyed.clone();
        mac.update(domain.as_bytes());
        mac.update(b"\0");
        // Ids as the software writes them ("TE-64633-000123") need no tidying.
        let tidy = id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b.is_ascii_lowercase());
        if tidy {
            mac.update(id.as_bytes());
        } else {
            let id: String = id.split_whitespace().collect::<String>().to_uppercase();
            mac.update(id.as_bytes());
        }
        Key(mac.finalize().into_bytes().into())
    }
}

/// A child's or a case's key: the 32 bytes of the HMAC, written as 64 hex digits in the
/// clean tables. Held as bytes so that a row costs no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The 64 lowercase hex digits, in `buffer`.
    pub fn hex<'a>(&self, buffer: &'a mut [u8; 64]) -> &'a str {
        // 32 bytes always fill 64 digits, and the digits are ASCII.
        let _ = hex::encode_to_slice(self.0, buffer);
        std::str::from_utf8(buffer).unwrap_or_default()
    }

    /// The first 128 bits: HMAC output, so as good as the whole for telling keys apart,
    /// and half the memory in the sets that look for duplicates.
    pub fn bits(&self) -> u128 {
        let mut first = [0u8; 16];
        first.copy_from_slice(&self.0[..16]);
        u128::from_be_bytes(first)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.hex(&mut [0; 64]))
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({self})")
    }
}

fn read_secret(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).trim().as_bytes().to_vec())
        .map_err(|e| format!("Cannot read the secret key file {}: {e}.", path.display()))
}

fn create_private_file(path: &Path, contents: &[u8]) -> Result<(), String> {
    let fail =
        |e: std::io::Error| format!("Cannot create the secret key file {}: {e}.", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
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

    #[test]
    fn keys_are_stable_and_ignore_spacing_and_case() {
        let p = Pseudonymiser::new(b"0123456789abcdef0123").unwrap();
        assert_eq!(
            p.child_key("TE-64633-000123"),
            p.child_key(" te-64633-000123 ")
        );
        assert_ne!(p.child_key("TE-1"), p.child_key("TE-2"));
        assert_ne!(p.child_key("TE-1"), p.case_key("TE-1"));
        let key = p.child_key("x");
        let hex = key.to_string();
        assert_eq!(hex.len(), 64);
        assert!(hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(format!("{:032x}", key.bits()), hex[..32]);
        let other = Pseudonymiser::new(b"another secret of enough length").unwrap();
        assert_ne!(p.child_key("TE-1"), other.child_key("TE-1"));
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(Pseudonymiser::new(b"short").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_created_key_file_is_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // The variable would win over the file; this test is about the file.
        if std::env::var(SECRET_ENV).is_ok() {
            return;
        }
        let (a, source) = Pseudonymiser::from_environment_or_file(None, dir.path()).unwrap();
        let path = dir.path().join("secret.key");
        assert_eq!(source, SecretSource::Created(path.clone()));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (b, source) = Pseudonymiser::from_environment_or_file(None, dir.path()).unwrap();
        assert_eq!(source, SecretSource::KeyFile(path));
        assert_eq!(a.child_key("TE-1"), b.child_key("TE-1"));
    }
}
