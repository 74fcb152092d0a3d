//! Channel rules: e-mail only if an address is on file and e-mail is not refused, SMS only if a
//! phone is on file and SMS is not refused, marketing only with consent.

use crate::message::{Channel, Disposition, SuppressionReason};
use crate::model::{Client, DisplayName, EmailAddress, Locale, PhoneNumber, StaffMember, TimeZone};
use crate::settings::{BusinessSettings, ChannelChoice, Manager};

/// How to reach one recipient and what they accept.
#[derive(Debug, Clone, Copy)]
pub struct ContactPoint<'a> {
    pub name: &'a DisplayName,
    pub email: Option<&'a EmailAddress>,
    pub phone: Option<&'a PhoneNumber>,
    pub locale: Locale,
    pub time_zone: TimeZone,
    pub email_ok: bool,
    pub sms_ok: bool,
    pub marketing_ok: bool,
}

/// A contact's locale, or the business's default when Rappel has no templates in its language.
fn locale_for(own: Locale, settings: &BusinessSettings) -> Locale {
    own.or(settings.input.default_locale)
}

impl<'a> ContactPoint<'a> {
    pub fn of_client(c: &'a Client, settings: &BusinessSettings) -> Self {
        Self {
            name: &c.name,
            email: c.email.as_ref(),
            phone: c.phone.as_ref(),
            locale: locale_for(c.locale, settings),
            time_zone: c.time_zone,
            email_ok: c.preferences.email,
            sms_ok: c.preferences.sms,
            marketing_ok: c.preferences.marketing,
        }
    }

    pub fn of_staff(s: &'a StaffMember, settings: &BusinessSettings) -> Self {
        Self {
            name: &s.name,
            email: s.email.as_ref(),
            phone: s.phone.as_ref(),
            locale: locale_for(s.locale, settings),
            time_zone: s.time_zone,
            email_ok: true,
            sms_ok: true,
            marketing_ok: false,
        }
    }

    pub fn of_manager(m: &'a Manager, settings: &BusinessSettings) -> Self {
        Self {
            name: &m.name,
            email: m.email.as_ref(),
            phone: m.phone.as_ref(),
            locale: locale_for(m.locale, settings),
            time_zone: m.time_zone,
            email_ok: true,
            sms_ok: true,
            marketing_ok: false,
        }
    }

    /// Why this channel cannot be used for this contact, if it cannot.
    pub fn block(&self, channel: Channel, marketing: bool) -> Option<SuppressionReason> {
        let reason = match channel {
            Channel::Email if self.email.is_none() => SuppressionReason::NoEmail,
            Channel::Email if !self.email_ok => SuppressionReason::EmailRefused,
            Channel::Sms if self.phone.is_none() => SuppressionReason::NoPhone,
            Channel::Sms if !self.sms_ok => SuppressionReason::SmsRefused,
            Channel::Sms if self.phone.is_some_and(|p| !p.receives_sms()) => {
                SuppressionReason::NotAMobileNumber
            }
            _ if marketing && !self.marketing_ok => SuppressionReason::NoMarketingConsent,
            _ => return None,
        };
        Some(reason)
    }
}

/// The channels a message goes out on: every requested channel, each either delivered or
/// suppressed with its own reason — so the history and the planned view say what was *not*
/// sent and why (a refused SMS beside a delivered e-mail, a missing address *and* a refusal).
pub fn resolve_channels(
    choice: ChannelChoice,
    contact: &ContactPoint<'_>,
    marketing: bool,
) -> Vec<(Channel, Disposition)> {
    [(choice.email, Channel::Email), (choice.sms, Channel::Sms)]
        .into_iter()
        .filter(|(wanted, _)| *wanted)
        .map(|(_, channel)| {
            let disposition = match contact.block(channel, marketing) {
                Some(reason) => Disposition::Suppressed(reason),
                None => Disposition::Deliver,
            };
            (channel, disposition)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact<'a>(
        name: &'a DisplayName,
        email: Option<&'a EmailAddress>,
        phone: Option<&'a PhoneNumber>,
    ) -> ContactPoint<'a> {
        ContactPoint {
            name,
            email,
            phone,
            locale: Locale::FR,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
            email_ok: true,
            sms_ok: true,
            marketing_ok: false,
        }
    }

    #[test]
    fn both_channels_are_used_when_both_are_on_file_and_allowed() {
        let (n, e, p) = (
            DisplayName::parse("Léa").unwrap(),
            EmailAddress::parse("l@x.fr").unwrap(),
            PhoneNumber::parse("+33612345678").unwrap(),
        );
        let got = resolve_channels(ChannelChoice::BOTH, &contact(&n, Some(&e), Some(&p)), false);
        assert_eq!(
            got,
            vec![
                (Channel::Email, Disposition::Deliver),
                (Channel::Sms, Disposition::Deliver)
            ]
        );
    }

    #[test]
    fn a_missing_phone_is_recorded_beside_the_email_that_goes_out() {
        let (n, e) = (
            DisplayName::parse("Léa").unwrap(),
            EmailAddress::parse("l@x.fr").unwrap(),
        );
        let got = resolve_channels(ChannelChoice::BOTH, &contact(&n, Some(&e), None), false);
        assert_eq!(
            got,
            vec![
                (Channel::Email, Disposition::Deliver),
                (
                    Channel::Sms,
                    Disposition::Suppressed(SuppressionReason::NoPhone)
                )
            ]
        );
    }

    #[test]
    fn no_email_and_a_refused_sms_are_both_recorded() {
        let (n, p) = (
            DisplayName::parse("Léa").unwrap(),
            PhoneNumber::parse("+33612345678").unwrap(),
        );
        let mut refused = contact(&n, None, Some(&p));
        refused.sms_ok = false;
        let got = resolve_channels(ChannelChoice::BOTH, &refused, false);
        assert_eq!(
            got,
            vec![
                (
                    Channel::Email,
                    Disposition::Suppressed(SuppressionReason::NoEmail)
                ),
                (
                    Channel::Sms,
                    Disposition::Suppressed(SuppressionReason::SmsRefused)
                )
            ]
        );
    }

    #[test]
    fn no_usable_channel_is_recorded_with_the_reason() {
        let n = DisplayName::parse("Léa").unwrap();
        let got = resolve_channels(ChannelChoice::EMAIL, &contact(&n, None, None), false);
        assert_eq!(
            got,
            vec![(
                Channel::Email,
                Disposition::Suppressed(SuppressionReason::NoEmail)
            )]
        );
        let p = PhoneNumber::parse("+33612345678").unwrap();
        let mut refused = contact(&n, None, Some(&p));
        refused.sms_ok = false;
        let got = resolve_channels(ChannelChoice::SMS, &refused, false);
        assert_eq!(
            got,
            vec![(
                Channel::Sms,
                Disposition::Suppressed(SuppressionReason::SmsRefused)
            )]
        );
    }

    #[test]
    fn marketing_needs_consent() {
        let (n, e) = (
            DisplayName::parse("Léa").unwrap(),
            EmailAddress::parse("l@x.fr").unwrap(),
        );
        let got = resolve_channels(ChannelChoice::EMAIL, &contact(&n, Some(&e), None), true);
        assert_eq!(
            got,
            vec![(
                Channel::Email,
                Disposition::Suppressed(SuppressionReason::NoMarketingConsent)
            )]
        );
    }

    #[test]
    fn a_disabled_message_plans_nothing() {
        let n = DisplayName::parse("Léa").unwrap();
        assert!(resolve_channels(ChannelChoice::OFF, &contact(&n, None, None), false).is_empty());
    }

    /// SMS pumping: a number that cannot receive an SMS (a fixed line) or that costs the
    /// sender to reach (premium rate, shared cost) is never sent one; the e-mail still goes.
    #[test]
    fn a_premium_rate_or_fixed_line_number_gets_no_sms_and_the_email_still_goes() {
        let (n, e) = (
            DisplayName::parse("Léa").unwrap(),
            EmailAddress::parse("l@x.fr").unwrap(),
        );
        for number in [
            "+33891123456",
            "+33123456789",
            "+33884012345",
            "+33801234567",
        ] {
            let p = PhoneNumber::parse(number).unwrap();
            let got =
                resolve_channels(ChannelChoice::BOTH, &contact(&n, Some(&e), Some(&p)), false);
            assert_eq!(
                got,
                vec![
                    (Channel::Email, Disposition::Deliver),
                    (
                        Channel::Sms,
                        Disposition::Suppressed(SuppressionReason::NotAMobileNumber)
                    ),
                ],
                "{number}"
            );
        }
        let mobile = PhoneNumber::parse("+33612345679").unwrap();
        let got = resolve_channels(
            ChannelChoice::BOTH,
            &contact(&n, Some(&e), Some(&mobile)),
            false,
        );
        assert_eq!(got[1], (Channel::Sms, Disposition::Deliver));
    }
}
