//! How many SMS parts a text costs: GSM 03.38 (7-bit) when every character is in the GSM
//! alphabet, UCS-2 otherwise. Written here because the crates for it are unmaintained ports;
//! the tables are the standard's.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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
    let septets: Option<Vec<usize>> = text.chars().map(septets_of).collect();
    match septets {
        Some(costs) => SmsSize {
            encoding: SmsEncoding::Gsm7,
            units: costs.iter().sum(),
            segments: segments(&costs, 160, 153),
        },
        None => {
            let costs: Vec<usize> = text.chars().map(char::len_utf16).collect();
            SmsSize {
                encoding: SmsEncoding::Ucs2,
                units: costs.iter().sum(),
                segments: segments(&costs, 70, 67),
            }
        }
    }
}

/// A character's septets in GSM-7: one, two through the escape code, or none (not in it).
fn septets_of(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Parts as networks cut them: a text that fits `single` units is one part; a longer one is
/// cut every `per_part` units (the rest of each part holds the concatenation header), and a
/// part never splits a character's units — an escape pair or a surrogate pair that would
/// straddle the boundary starts the next part, leaving a unit unused.
fn segments(costs: &[usize], single: usize, per_part: usize) -> usize {
    if costs.iter().sum::<usize>() <= single {
        return 1;
    }
    let (mut parts, mut used) = (1, 0);
    for &cost in costs {
        if used + cost > per_part {
            parts += 1;
            used = 0;
        }
        used += cost;
    }
    parts
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

    /// Cases at the part boundaries (3GPP TS 23.040 §9.2.3.24.1: 153 septets or 67 UCS-2
    /// units a part once concatenated; a character is never split between parts), the counts
    /// Twilio's segment calculator gives for them.
    #[test]
    fn a_character_that_would_straddle_two_parts_starts_the_next_one() {
        let cases: [(String, SmsEncoding, usize, usize); 8] = [
            // 152 septets then €: the escape pair fits (153), then 153 more: 2 parts.
            (
                format!("{}€{}", "a".repeat(151), "a".repeat(153)),
                SmsEncoding::Gsm7,
                306,
                2,
            ),
            // € on septets 153–154: it moves to part 2, which then overflows into a third.
            (
                format!("{}€{}", "a".repeat(152), "a".repeat(152)),
                SmsEncoding::Gsm7,
                306,
                3,
            ),
            (format!("{}€", "a".repeat(158)), SmsEncoding::Gsm7, 160, 1),
            (format!("{}€", "a".repeat(159)), SmsEncoding::Gsm7, 161, 2),
            // An emoji on UTF-16 units 67–68 of 134: 3 parts, not 2.
            (
                format!("{}👋{}", "ô".repeat(66), "ô".repeat(66)),
                SmsEncoding::Ucs2,
                134,
                3,
            ),
            (
                format!("{}👋{}", "ô".repeat(65), "ô".repeat(67)),
                SmsEncoding::Ucs2,
                134,
                2,
            ),
            (format!("{}👋", "ô".repeat(68)), SmsEncoding::Ucs2, 70, 1),
            ("ô".repeat(201), SmsEncoding::Ucs2, 201, 3),
        ];
        for (text, encoding, units, parts) in cases {
            let size = sms_size(&text);
            assert_eq!(
                (size.encoding, size.units, size.segments),
                (encoding, units, parts),
                "{text}"
            );
        }
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
