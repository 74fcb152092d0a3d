//! A provider's words (an error's message) can quote the address or the number it refused;
//! they are kept in a message's history and its delivery event, which outlive the client's
//! address in the records and reach the integrator's systems. So they are kept without it.

/// `text` with every e-mail address replaced by `[address]` and every run of 8 or more digits
/// (a phone number, whatever its punctuation: `+33 6 12 34 56 78`) by `[number]`.
pub fn redact_contacts(text: &str) -> String {
    let redacted: Vec<String> = text.split(' ').map(redact_word).collect();
    collapse_numbers(&redacted.join(" "))
}

fn redact_word(word: &str) -> String {
    let trimmed = word.trim_matches(|c: char| "<>()[]\"',;:".contains(c));
    match trimmed.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
            word.replace(trimmed, "[address]")
        }
        _ => word.to_owned(),
    }
}

/// Digit runs, allowing the separators numbers are written with (space, dot, dash, brackets,
/// a leading `+`), of 8 digits or more (the shortest numbers in E.164 use are 8): shorter runs (an SMTP code `550`, `5.1.1`, a count) stay.
fn collapse_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let mut j = i;
            let mut digits = 0;
            let mut last_digit = i;
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() {
                    digits += 1;
                    last_digit = j;
                } else if !(" .-()".contains(c) || (c == '+' && j == i)) {
                    break;
                }
                j += 1;
            }
            if digits >= 8 {
                out.push_str("[number]");
                i = last_digit + 1;
                continue;
            }
            out.extend(&chars[i..=last_digit]);
            i = last_digit + 1;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_quoted_by_a_provider_is_left_out() {
        let said = "MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-3: <lea.martin@example.fr>";
        let kept = redact_contacts(said);
        assert!(!kept.contains("lea.martin"), "{kept}");
        assert!(kept.ends_with("<[address]>"), "{kept}");
        assert!(kept.starts_with("MessageRejected: Email address is not verified."));
    }

    #[test]
    fn a_number_in_any_punctuation_is_left_out_and_short_codes_stay() {
        for said in [
            "InvalidParameter: +33612345678 is not a mobile",
            "InvalidParameter: +33 6 12 34 56 78 is not a mobile",
            "InvalidParameter: 06.12.34.56.78 is not a mobile",
        ] {
            let kept = redact_contacts(said);
            assert_eq!(kept, "InvalidParameter: [number] is not a mobile", "{said}");
        }
        assert_eq!(
            redact_contacts("smtp; 550 5.1.1 user unknown"),
            "smtp; 550 5.1.1 user unknown"
        );
    }
}
