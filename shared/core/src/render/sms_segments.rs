//! How many SMS parts a text costs: GSM 03.38 (7-bit) when every character is in the GSM
//! alphabet, UCS-2 otherwise. Written here because the crates for it are unmaintained ports;
//! the tables are the standard's.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSize {
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Characters reached through the escape code: two septets each.
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

pub fn sms_size(text: &str) -> SmsSize {
    let septets: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    match septets {
        Some(units) => SmsSize {
            encoding: SmsEncoding::Gsm7,
            units,
            segments: segments(units, 160, 153),
        },
        None => {
            let units = text.encode_utf16().count();
            SmsSize {
                encoding: SmsEncoding::Ucs2,
                units,
                segments: segments(units, 70, 67),
            }
        }
    }
}

fn segments(units: usize, single: usize, per_part: usize) -> usize {
    if units <= single {
        1
    } else {
        units.div_ceil(per_part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_fits_160_gsm_characters_per_sms() {
        assert_eq!(
            sms_size(&"a".repeat(160)),
            SmsSize {
                encoding: SmsEncoding::Gsm7,
                units: 160,
                segments: 1
            }
        );
        assert_eq!(sms_size(&"a".repeat(161)).segments, 2);
        assert_eq!(sms_size(&"a".repeat(306)).segments, 2);
        assert_eq!(sms_size(&"a".repeat(307)).segments, 3);
    }

    #[test]
    fn extension_characters_count_twice() {
        assert_eq!(sms_size("€").units, 2);
        assert_eq!(sms_size(&"€".repeat(80)).segments, 1);
        assert_eq!(sms_size(&"€".repeat(81)).segments, 2);
    }

    #[test]
    fn a_single_non_gsm_character_switches_to_ucs2() {
        let text = format!("{}ç", "a".repeat(69));
        assert_eq!(
            sms_size(&text),
            SmsSize {
                encoding: SmsEncoding::Ucs2,
                units: 70,
                segments: 1
            }
        );
        assert_eq!(sms_size(&format!("{text}a")).segments, 2);
        // An emoji is two UTF-16 units.
        assert_eq!(sms_size("👋").units, 2);
    }

    #[test]
    fn french_accents_of_the_gsm_alphabet_stay_gsm7() {
        assert_eq!(
            sms_size("Rendez-vous confirmé à 10:00, à très vite").encoding,
            SmsEncoding::Gsm7
        );
        assert_eq!(
            sms_size("à bientôt").encoding,
            SmsEncoding::Ucs2,
            "ô is not in the GSM alphabet"
        );
    }
}
