//! A template previewed before a business relies on it: the business's text (saved, or sent
//! with the request unsaved, or the built-in one) rendered with one of its real subjects — an
//! appointment, a client, an invoice, a quote, an inbound message — exactly as the delivery
//! path would compose it, or with sample values. Nothing is sent, claimed or recorded — unless
//! a test is asked for: then the same message goes, through the send function, to the address
//! or number the business gave (see [`crate::test_send`]).

use crate::ApiServices;
use crate::commands::CommandError;
use crate::commands::templates::{check_scope, check_template};
use crate::deliver::template_in_force;
use crate::subjects::{self, Loaded, SendTime, Undecidable};
use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, MessageKey, MessageKind, Recipient, Subject, SubjectKind};
use rappel_core::model::{
    AppointmentId, AppointmentTypeId, ClientId, EmailAddress, InboundId, InboundSender, InvoiceId,
    Language, PhoneNumber, QuoteId, TenantId,
};
use rappel_core::render::{
    ComposeError, Composition, LinkSigner, OutgoingEmail, OutgoingMessage, OutgoingSms, SmsSize,
    TemplateBody, TemplateVariables, compose, default_template, render_email, render_sms,
};
use rappel_ports::records::{StoreError, TypedRecords};
use rappel_ports::schedules::{SendRequest, TestSend};

/// What the preview renders with.
#[derive(Debug, Clone)]
pub enum PreviewSubject {
    /// Sample values ("Léa Martin", a Friday at 10:00…).
    Sample,
    Appointment(AppointmentId),
    Client(ClientId),
    Invoice(InvoiceId),
    Quote(QuoteId),
    Inbound(InboundId),
}

impl PreviewSubject {
    fn kind(&self) -> Option<SubjectKind> {
        Some(match self {
            Self::Sample => return None,
            Self::Appointment(_) => SubjectKind::Appointment,
            Self::Client(_) => SubjectKind::Client,
            Self::Invoice(_) => SubjectKind::Invoice,
            Self::Quote(_) => SubjectKind::Quote,
            Self::Inbound(_) => SubjectKind::Inbound,
        })
    }
}

/// Which text is previewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateSource {
    /// The one sent with the request (not saved).
    Request,
    /// The business's saved one.
    Custom,
    /// The built-in one.
    Default,
}

/// Where a test of the message goes: the channel's kind of address.
#[derive(Debug, Clone)]
pub enum TestRecipient {
    Email(EmailAddress),
    Phone(PhoneNumber),
}

#[derive(Debug, Clone)]
pub struct PreviewRequest {
    pub kind: MessageKind,
    pub channel: Channel,
    pub language: Language,
    pub type_id: Option<AppointmentTypeId>,
    /// An unsaved text to preview instead of the saved one.
    pub body: Option<TemplateBody>,
    pub about: PreviewSubject,
    /// Also send it, as previewed, to this address or number (through the send function).
    pub send_to: Option<TestRecipient>,
}

/// The message as it would be composed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub source: TemplateSource,
    /// An e-mail's subject, text and HTML; an SMS's text and size.
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
    pub sms: Option<SmsSize>,
    /// The address or number it would go to (a real subject's), or `None` with sample values.
    pub to: Option<String>,
    /// The test's id when one was queued to `send_to`.
    pub test_id: Option<String>,
}

/// Renders the preview. Refused: a subject of another kind than the message's (422
/// `subject_mismatch`), an unknown one (404), a recipient without the channel's address (422
/// `no_address`), a text that does not render (422 `template_syntax`).
pub async fn preview(
    services: &ApiServices,
    links: &LinkSigner,
    tenant: &TenantId,
    request: PreviewRequest,
) -> Result<Preview, CommandError> {
    let subject_kind = request.kind.facts().subject;
    if let Some(given) = request.about.kind()
        && given != subject_kind
    {
        return Err(CommandError::invalid(
            "subject_mismatch",
            format!(
                "{} messages are about a {}, not a {}",
                request.kind,
                subject_kind.as_str(),
                given.as_str()
            ),
        ));
    }
    if let Some(body) = &request.body {
        check_template(body, request.kind, request.channel)?;
    }
    check_scope(services, tenant, request.type_id.as_ref()).await?;
    match (&request.send_to, request.channel) {
        (Some(TestRecipient::Email(_)), Channel::Sms)
        | (Some(TestRecipient::Phone(_)), Channel::Email) => {
            return Err(CommandError::invalid(
                "invalid_field",
                format!(
                    "send_to: a {} message goes to a {}",
                    request.channel,
                    match request.channel {
                        Channel::Email => "an e-mail address",
                        Channel::Sms => "an E.164 phone number",
                    }
                ),
            ));
        }
        _ => {}
    }
    if matches!(request.about, PreviewSubject::Sample) {
        let (source, custom) = text(services, tenant, &request, request.type_id.as_ref()).await?;
        let body = custom
            .unwrap_or_else(|| default_template(request.kind, request.channel, request.language));
        let (mut shown, message) = sample(services, tenant, &request, &body, source).await?;
        if let Some(to) = &request.send_to {
            let key = sample_key(tenant, &request, services.clock.now());
            shown.test_id = Some(queue_test(services, key, message, to).await?);
        }
        return Ok(shown);
    }
    let key = message_key(services, tenant, &request).await?;
    let state = match subjects::load(services.records.as_ref(), &key).await {
        Ok(Loaded::Found(state)) => state,
        Ok(Loaded::Gone(_)) => return Err(CommandError::NotFound(subject_kind.as_str())),
        Err(subjects::ContextError::Store(e)) => return Err(e.into()),
        Err(subjects::ContextError::Missing(what)) => {
            return Err(CommandError::invalid(
                "missing_record",
                format!("the subject's {what} is missing"),
            ));
        }
    };
    // The text the message would be sent with: an appointment's type's own, if it has one.
    let type_id = request.type_id.as_ref().or(state.appointment_type());
    let (source, custom) = text(services, tenant, &request, type_id).await?;
    let now = services.clock.now();
    let at = SendTime {
        links,
        sender: &services.sender,
        now,
    };
    let rendering = match state.render(&key, at) {
        Ok(rendering) => rendering,
        Err(Undecidable::Unrenderable(error)) => return Err(composing(error)),
        Err(Undecidable::Missing(what)) => {
            return Err(CommandError::invalid(
                "missing_record",
                format!("the subject's {what} is missing"),
            ));
        }
    };
    let composed = compose(&Composition {
        key: &key,
        rendering: &rendering,
        custom_template: custom.as_ref(),
        sender: &services.sender,
    })
    .map_err(composing)?;
    let mut shown = shown_from(source, &composed);
    if let Some(to) = &request.send_to {
        shown.test_id = Some(queue_test(services, key, composed, to).await?);
    }
    Ok(shown)
}

fn shown_from(source: TemplateSource, message: &OutgoingMessage) -> Preview {
    match message {
        OutgoingMessage::Email(email) => Preview {
            source,
            subject: Some(email.subject.clone()),
            text: email.text.clone(),
            html: Some(email.html.clone()),
            sms: None,
            to: Some(email.to.to_string()),
            test_id: None,
        },
        OutgoingMessage::Sms(sms) => Preview {
            source,
            subject: None,
            text: sms.text.clone(),
            html: None,
            sms: Some(sms.size),
            to: Some(sms.to.to_string()),
            test_id: None,
        },
    }
}

/// Readdresses the composed message to the test's recipient, under ids of its own (a test
/// never shares the real message's Message-ID), and queues it for the send function.
async fn queue_test(
    services: &ApiServices,
    key: MessageKey,
    mut message: OutgoingMessage,
    to: &TestRecipient,
) -> Result<String, CommandError> {
    let test_id = uuid::Uuid::new_v4().simple().to_string();
    match (&mut message, to) {
        (OutgoingMessage::Email(email), TestRecipient::Email(address)) => {
            email.to = address.clone();
            email.to_name = String::new();
            email.message_id = format!("test-{test_id}@{}", services.sender.address.domain());
            email.tags.push(("rappel-test".into(), "true".into()));
        }
        (OutgoingMessage::Sms(sms), TestRecipient::Phone(number)) => {
            sms.to = number.clone();
            sms.idempotency_key = format!("test/{test_id}");
            sms.tags.push(("rappel-test".into(), "true".into()));
        }
        _ => {
            return Err(CommandError::invalid(
                "invalid_field",
                "send_to: not an address of the message's channel",
            ));
        }
    }
    let test = TestSend {
        key,
        message,
        test_id: test_id.clone(),
        answering: None,
    };
    services
        .send_queue
        .enqueue(&[SendRequest::Test(Box::new(test))])
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok(test_id)
}

/// The key a sample's test stands for: no subject of the business, so none is named.
fn sample_key(tenant: &TenantId, r: &PreviewRequest, now: DateTime<Utc>) -> MessageKey {
    MessageKey {
        tenant: tenant.clone(),
        subject: Subject::Client(sample_client()),
        kind: r.kind,
        ordinal: 1,
        recipient: Recipient::Client(sample_client()),
        channel: r.channel,
        due: now,
    }
}

/// The id sample values go by (no client of any business is named so: ids the API mints
/// carry a prefix and integrators' ids are their own).
fn sample_client() -> ClientId {
    ClientId::parse("sample").unwrap_or_else(|_| unreachable!("a valid id"))
}

fn composing(error: ComposeError) -> CommandError {
    match error {
        ComposeError::NoAddress(channel) => CommandError::invalid(
            "no_address",
            format!("the recipient has no {channel} on file"),
        ),
        ComposeError::UnknownRecipient => {
            CommandError::invalid("no_address", "the recipient is not known")
        }
        ComposeError::Template(e) => CommandError::invalid("template_syntax", e.to_string()),
    }
}

/// Which text is previewed: the one sent with the request, else the business's in force for
/// the type (as the delivery path picks it), else the built-in one (`None`).
async fn text(
    services: &ApiServices,
    tenant: &TenantId,
    r: &PreviewRequest,
    type_id: Option<&AppointmentTypeId>,
) -> Result<(TemplateSource, Option<TemplateBody>), CommandError> {
    if let Some(body) = &r.body {
        return Ok((TemplateSource::Request, Some(body.clone())));
    }
    let saved = template_in_force(
        services.records.as_ref(),
        tenant,
        (r.kind, r.channel, r.language),
        type_id,
    )
    .await?;
    Ok(match saved {
        Some(t) => (TemplateSource::Custom, Some(t.body)),
        None => (TemplateSource::Default, None),
    })
}

/// The preview with sample values, and the message it would be (from the business's name
/// and the platform's sender, for a test).
async fn sample(
    services: &ApiServices,
    tenant: &TenantId,
    r: &PreviewRequest,
    body: &TemplateBody,
    source: TemplateSource,
) -> Result<(Preview, OutgoingMessage), CommandError> {
    let vars = TemplateVariables::sample(r.kind.facts().subject, r.language);
    let failed = |e: rappel_core::render::TemplateError| {
        CommandError::invalid("template_syntax", e.to_string())
    };
    let tags = vec![
        ("rappel-tenant".to_owned(), tenant.to_string()),
        ("rappel-kind".to_owned(), r.kind.as_str().to_owned()),
    ];
    let message = match (r.channel, &r.send_to) {
        (Channel::Email, to) => {
            let email = render_email(body, &vars).map_err(failed)?;
            let settings = services.records.settings(tenant).await?;
            let to = match to {
                Some(TestRecipient::Email(address)) => address.clone(),
                _ => services.sender.address.clone(),
            };
            OutgoingMessage::Email(OutgoingEmail {
                from_name: settings.input.business_name.to_string(),
                from: services.sender.address.clone(),
                reply_to: None,
                to_name: String::new(),
                to,
                subject: email.subject,
                text: email.text,
                html: email.html,
                calendar: None,
                message_id: String::new(),
                marketing: false,
                list_unsubscribe: None,
                list_id: None,
                auto_reply: false,
                tags,
            })
        }
        (Channel::Sms, to) => {
            let sms = render_sms(body, &vars).map_err(failed)?;
            let sample_number = PhoneNumber::parse("+33600000000")
                .unwrap_or_else(|_| unreachable!("a valid number"));
            OutgoingMessage::Sms(OutgoingSms {
                to: match to {
                    Some(TestRecipient::Phone(number)) => number.clone(),
                    _ => sample_number,
                },
                text: sms.text,
                size: sms.size,
                transactional: !r.kind.is_marketing(),
                idempotency_key: String::new(),
                tags,
            })
        }
    };
    let mut shown = shown_from(source, &message);
    shown.to = None;
    Ok((shown, message))
}

/// The key the message would have: about the subject, to whom its kind is addressed (the
/// appointment's staff member for a team message, else the client or the contact), due now.
async fn message_key(
    services: &ApiServices,
    tenant: &TenantId,
    r: &PreviewRequest,
) -> Result<MessageKey, CommandError> {
    let records = &services.records;
    let (subject, recipient) = match &r.about {
        PreviewSubject::Sample => {
            return Err(CommandError::invalid(
                "invalid_field",
                "about: sample values have no subject",
            ));
        }
        PreviewSubject::Appointment(id) => {
            let a = records
                .appointment(tenant, id)
                .await?
                .ok_or(CommandError::NotFound("appointment"))?;
            let recipient = if r.kind.is_for_team() {
                Recipient::Staff(a.staff_id.clone())
            } else {
                Recipient::Client(a.client_id.clone())
            };
            (Subject::Appointment(id.clone()), recipient)
        }
        PreviewSubject::Client(id) => (Subject::Client(id.clone()), Recipient::Client(id.clone())),
        PreviewSubject::Invoice(id) => {
            let i = records
                .invoice(tenant, id)
                .await?
                .ok_or(CommandError::NotFound("invoice"))?;
            (Subject::Invoice(id.clone()), Recipient::Client(i.client_id))
        }
        PreviewSubject::Quote(id) => {
            let q = records
                .quote(tenant, id)
                .await?
                .ok_or(CommandError::NotFound("quote"))?;
            (Subject::Quote(id.clone()), Recipient::Client(q.client_id))
        }
        PreviewSubject::Inbound(id) => {
            let i = records
                .inbound(tenant, id)
                .await?
                .ok_or(CommandError::NotFound("inbound message"))?;
            let recipient = match i.sender {
                InboundSender::Client { client_id } => Recipient::Client(client_id),
                InboundSender::Contact { .. } => Recipient::Sender(id.clone()),
            };
            (Subject::Inbound(id.clone()), recipient)
        }
    };
    Ok(MessageKey {
        tenant: tenant.clone(),
        subject,
        kind: r.kind,
        ordinal: 1,
        recipient,
        channel: r.channel,
        due: services.clock.now(),
    })
}
