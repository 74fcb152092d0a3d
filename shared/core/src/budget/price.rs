//! The price of one SMS part by destination country, as the budget counts it. Indicative
//! figures in the spirit of AWS's published SMS prices (transactional, per part, in euros),
//! to be reviewed by the operator against the account's actual prices: the budget protects a
//! business from spending, it is not its invoice.

use super::Cost;

/// The price of one part to a number of `country` (ISO 3166 alpha-2, as the number's
/// metadata says); a country not listed costs [`OTHER_COUNTRIES`].
pub fn price_per_part(country: Option<&str>) -> Cost {
    let price = match country {
        Some("FR" | "MC") => 730,
        Some("BE") => 870,
        Some("LU") => 620,
        Some("CH" | "LI") => 600,
        Some("DE" | "AT") => 900,
        Some("ES") => 700,
        Some("IT") => 750,
        Some("PT") => 350,
        Some("NL") => 900,
        Some("GB" | "IE") => 420,
        Some("US" | "CA") => 80,
        // Overseas France (Réunion, Guadeloupe, Martinique, Guyane, Mayotte) is priced apart.
        Some("RE" | "GP" | "MQ" | "GF" | "YT") => 1_100,
        _ => return OTHER_COUNTRIES,
    };
    Cost(price)
}

/// What a part costs to a country the table does not list: on the high side, on purpose.
pub const OTHER_COUNTRIES: Cost = Cost(2_000);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_to_france_costs_less_than_one_to_an_unlisted_country() {
        assert_eq!(price_per_part(Some("FR")), Cost(730));
        assert_eq!(price_per_part(Some("ZZ")), OTHER_COUNTRIES);
        assert_eq!(price_per_part(None), OTHER_COUNTRIES);
        assert!(price_per_part(Some("FR")) < OTHER_COUNTRIES);
    }
}
