//! Automatic replies, as senders would notice them.

use super::*;
use crate::message::{Channel, Disposition, Recipient, SuppressionReason, Verdict};
use crate::model::*;
use crate::settings::*;
use chrono::{DateTime, Duration, TimeZone as _, Utc};

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).unwrap()
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, h, m, 0).unwrap()
}

fn settings() -> BusinessSettings {
    let mut s = BusinessSettings::defaults_for(&id("salon"));
    let on = AutoReply {
        enabled: true,
        text: Some(ReplyText::parse("Nous répondons sous 48 h.").unwrap()),
    };
    s.input.notifications.auto_replies.message = on.clone();
    s.input.notifications.auto_replies.contact_form = on;
    s
}

fn client() -> Client {
    Client {
        tenant: id("salon"),
        id: id("lea"),
        name: id("Léa Martin"),
        email: Some(id("lea@example.fr")),
        phone: Some(id("+33612345678")),
        locale: Locale::FR,
        time_zone: TimeZone::parse("Europe/Paris").unwrap(),
        preferences: ContactPreferences::default(),
        version: 1,
    }
}

fn from_lea(kind: InboundKind, received_at: DateTime<Utc>) -> Inbound {
    let sender = InboundSender::Client {
        client_id: id("lea"),
    };
    Inbound {
        tenant: id("salon"),
        id: Inbound::id_for(&sender, received_at, "a1b2").unwrap(),
        kind,
        sender,
        channel: None,
        received_at,
        automated: false,
        text: None,
        version: 1,
    }
}

fn reply(
    settings: &BusinessSettings,
    inbound: &Inbound,
    earlier: &[Inbound],
) -> Option<crate::message::PlannedMessage> {
    let client = client();
    auto_reply(&InboundContext {
        settings,
        inbound,
        client: Some(&client),
        earlier,
    })
}

#[test]
fn a_first_message_gets_a_reply_by_email() {
    let first = from_lea(InboundKind::Message, at(9, 0));
    let planned = reply(&settings(), &first, &[]).expect("a reply");
    assert_eq!(planned.disposition, Disposition::Deliver);
    assert_eq!(planned.key.channel, Channel::Email);
    assert_eq!(planned.key.recipient, Recipient::Client(id("lea")));
}

#[test]
fn a_second_message_within_the_window_is_not_answered_again() {
    let first = from_lea(InboundKind::Message, at(9, 0));
    let second = from_lea(InboundKind::Message, at(9, 5));
    let earlier = [first.clone(), second.clone()];
    assert_eq!(
        reply(&settings(), &second, &earlier).unwrap().disposition,
        Disposition::Suppressed(SuppressionReason::WithinReplyWindow)
    );
    // The first keeps its reply, whatever else is stored.
    assert_eq!(
        reply(&settings(), &first, &earlier).unwrap().disposition,
        Disposition::Deliver
    );
}

#[test]
fn after_a_quiet_window_or_for_another_kind_the_sender_is_answered_again() {
    let first = from_lea(InboundKind::Message, at(9, 0));
    let next_day = from_lea(InboundKind::Message, at(9, 0) + Duration::hours(24));
    assert_eq!(
        reply(&settings(), &next_day, std::slice::from_ref(&first))
            .unwrap()
            .disposition,
        Disposition::Deliver
    );
    let form = from_lea(InboundKind::ContactForm, at(9, 5));
    assert_eq!(
        reply(&settings(), &form, std::slice::from_ref(&first))
            .unwrap()
            .disposition,
        Disposition::Deliver
    );
}

#[test]
fn a_shorter_window_lets_a_later_message_be_answered() {
    let mut s = settings();
    s.input.notifications.auto_replies.window_hours = ReplyWindow::try_from(1).unwrap();
    let first = from_lea(InboundKind::Message, at(9, 0));
    let later = from_lea(InboundKind::Message, at(10, 30));
    assert_eq!(
        reply(&s, &later, &[first]).unwrap().disposition,
        Disposition::Deliver
    );
}

#[test]
fn a_machine_is_never_answered_and_a_kind_switched_off_plans_nothing() {
    let mut robot = from_lea(InboundKind::Message, at(9, 0));
    robot.automated = true;
    assert_eq!(
        reply(&settings(), &robot, &[]).unwrap().disposition,
        Disposition::Suppressed(SuppressionReason::AutomatedSender)
    );
    let document = from_lea(InboundKind::Document, at(9, 0));
    assert!(reply(&settings(), &document, &[]).is_none());
}

#[test]
fn the_reply_goes_back_on_the_channel_the_message_came_by() {
    let mut texted = from_lea(InboundKind::Message, at(9, 0));
    texted.channel = Some(Channel::Sms);
    assert_eq!(
        reply(&settings(), &texted, &[]).unwrap().key.channel,
        Channel::Sms
    );
}

#[test]
fn a_contact_form_from_someone_new_is_answered_at_the_address_they_gave() {
    let s = settings();
    let sender = InboundSender::Contact {
        name: id("Noé Petit"),
        email: Some(id("noe@example.fr")),
        phone: None,
    };
    let form = Inbound {
        tenant: id("salon"),
        id: Inbound::id_for(&sender, at(9, 0), "zz99").unwrap(),
        kind: InboundKind::ContactForm,
        sender,
        channel: None,
        received_at: at(9, 0),
        automated: false,
        text: None,
        version: 1,
    };
    let ctx = InboundContext {
        settings: &s,
        inbound: &form,
        client: None,
        earlier: &[],
    };
    let planned = auto_reply(&ctx).unwrap();
    assert_eq!(planned.disposition, Disposition::Deliver);
    assert_eq!(planned.key.recipient, Recipient::Sender(form.id.clone()));
    let contact = ctx.contact(&planned.key.recipient).unwrap();
    assert_eq!(contact.email.map(|e| e.as_str()), Some("noe@example.fr"));
    assert_eq!(verdict(&planned.key, &ctx, at(9, 1)), Verdict::Send);
    assert_eq!(
        verdict(&planned.key, &ctx, at(9, 0) + Duration::days(2)),
        Verdict::Stale(crate::message::StaleReason::TooLate)
    );
}

fn from_stranger(email: Option<&str>, phone: Option<&str>, channel: Option<Channel>) -> Inbound {
    let sender = InboundSender::Contact {
        name: id("Noé Petit"),
        email: email.map(id),
        phone: phone.map(id),
    };
    Inbound {
        tenant: id("salon"),
        id: Inbound::id_for(&sender, at(9, 0), "zz98").unwrap(),
        kind: InboundKind::ContactForm,
        sender,
        channel,
        received_at: at(9, 0),
        automated: false,
        text: None,
        version: 1,
    }
}

fn stranger_reply(s: &BusinessSettings, form: &Inbound) -> crate::message::PlannedMessage {
    auto_reply(&InboundContext {
        settings: s,
        inbound: form,
        client: None,
        earlier: &[],
    })
    .expect("a reply is planned")
}

/// A contact form answers any number typed into it: an SMS there is SMS pumping at the
/// business's cost. Someone who is not a client is answered by e-mail only, unless the
/// business opts in.
#[test]
fn someone_who_is_not_a_client_is_answered_by_email_only_unless_the_business_opts_in() {
    let s = settings();
    let texted = from_stranger(
        Some("noe@example.fr"),
        Some("+33612345677"),
        Some(Channel::Sms),
    );
    let planned = stranger_reply(&s, &texted);
    assert_eq!(planned.key.channel, Channel::Email);
    assert_eq!(planned.disposition, Disposition::Deliver);

    let phone_only = from_stranger(None, Some("+33612345677"), None);
    let planned = stranger_reply(&s, &phone_only);
    assert_eq!(planned.key.channel, Channel::Sms);
    assert_eq!(
        planned.disposition,
        Disposition::Suppressed(SuppressionReason::SmsToNonClient)
    );

    let mut opted_in = settings();
    opted_in.input.notifications.auto_replies.sms_to_non_clients = true;
    let planned = stranger_reply(&opted_in, &phone_only);
    assert_eq!(planned.key.channel, Channel::Sms);
    assert_eq!(planned.disposition, Disposition::Deliver);
    // A client who texts is answered by SMS as before.
    let mut texted_by_lea = from_lea(InboundKind::Message, at(9, 0));
    texted_by_lea.channel = Some(Channel::Sms);
    assert_eq!(
        reply(&s, &texted_by_lea, &[]).unwrap().key.channel,
        Channel::Sms
    );
}
