//! Digests as staff members and managers would notice them: which day, at what time, which
//! appointments — across both DST changes, east and west of UTC.

use super::*;
use crate::message::{
    Channel, MessageKind, Recipient, StaleReason, Subject, SuppressionReason, Verdict,
};
use crate::model::*;
use crate::settings::*;
use chrono::{DateTime, Duration, NaiveDate, TimeZone as _, Utc};

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn zone(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

fn at(raw: &str) -> LocalTime {
    LocalTime::parse(raw).unwrap()
}

fn digest(when: DigestDay) -> DigestSettings {
    DigestSettings {
        staff: true,
        managers: true,
        when,
        at: at("07:00"),
        email: true,
        sms: false,
        agenda_url: None,
    }
}

fn staff(name: &str, tz: &str) -> StaffMember {
    StaffMember {
        tenant: id("salon"),
        id: id(name),
        name: id(name),
        email: Some(id(&format!("{name}@salon.example"))),
        phone: None,
        locale: Locale::FR,
        time_zone: zone(tz),
        version: 1,
    }
}

fn settings(digest: DigestSettings) -> BusinessSettings {
    let mut s = BusinessSettings::defaults_for(&id("salon"));
    s.input.notifications.digest = digest;
    s.input.managers.push(Manager {
        id: id("owner"),
        name: id("Olga"),
        email: Some(id("olga@salon.example")),
        phone: None,
        locale: Locale::EN,
        time_zone: zone("America/New_York"),
    });
    s
}

fn appointment(
    n: u32,
    staff: &str,
    start: DateTime<Utc>,
    status: AppointmentStatus,
) -> Appointment {
    Appointment {
        tenant: id("salon"),
        id: id(&format!("a{n}")),
        client_id: id("lea"),
        staff_id: id(staff),
        type_id: id("cut"),
        start,
        end: start + Duration::minutes(45),
        time_zone: zone("Europe/Paris"),
        status,
        origin: Origin::Online,
        version: 1,
        created_at: start - Duration::days(3),
        updated_at: start - Duration::days(3),
        details_changed_at: start - Duration::days(3),
        last_change: LastChange {
            action: ChangeAction::Booked,
            actor: Actor::Client,
            at: start - Duration::days(3),
            notify_client: true,
            in_bulk: false,
        },
        earlier_slot_offers: None,
        client_confirmation: None,
    }
}

// ---- which day a firing covers, and when it fires -------------------------------------------

#[test]
fn a_paris_digest_at_seven_fires_at_seven_local_on_both_sides_of_each_dst_change() {
    let paris = zone("Europe/Paris");
    // Spring: Saturday 28 March is CET (UTC+1), Sunday 29 March CEST (UTC+2).
    assert_eq!(
        next_firing(at("07:00"), paris, utc(2026, 3, 27, 12, 0)),
        utc(2026, 3, 28, 6, 0)
    );
    assert_eq!(
        next_firing(at("07:00"), paris, utc(2026, 3, 28, 6, 0)),
        utc(2026, 3, 29, 5, 0)
    );
    // Autumn: Saturday 24 October is CEST, Sunday 25 October CET.
    assert_eq!(
        next_firing(at("07:00"), paris, utc(2026, 10, 24, 1, 0)),
        utc(2026, 10, 24, 5, 0)
    );
    assert_eq!(
        next_firing(at("07:00"), paris, utc(2026, 10, 24, 5, 0)),
        utc(2026, 10, 25, 6, 0)
    );
}

#[test]
fn a_new_york_digest_keeps_its_local_time_across_both_dst_changes() {
    let ny = zone("America/New_York");
    // 8 March 2026: EST (UTC-5) → EDT (UTC-4). 1 November: back to EST.
    assert_eq!(
        next_firing(at("18:30"), ny, utc(2026, 3, 7, 12, 0)),
        utc(2026, 3, 7, 23, 30)
    );
    assert_eq!(
        next_firing(at("18:30"), ny, utc(2026, 3, 7, 23, 30)),
        utc(2026, 3, 8, 22, 30)
    );
    assert_eq!(
        next_firing(at("18:30"), ny, utc(2026, 10, 31, 22, 30)),
        utc(2026, 11, 1, 23, 30)
    );
}

#[test]
fn a_time_in_the_skipped_hour_fires_once_at_the_first_minute_after_it() {
    let paris = zone("Europe/Paris");
    // 02:30 does not exist on 29 March 2026 in Paris: 03:00 CEST (01:00 UTC).
    let firing = next_firing(at("02:30"), paris, utc(2026, 3, 28, 12, 0));
    assert_eq!(firing, utc(2026, 3, 29, 1, 0));
    assert_eq!(
        next_firing(at("02:30"), paris, firing),
        utc(2026, 3, 30, 0, 30)
    );
}

#[test]
fn same_day_covers_the_local_day_of_the_firing_and_day_before_the_next() {
    let paris = zone("Europe/Paris");
    let fired = utc(2026, 3, 29, 5, 0); // 07:00 CEST on the DST Sunday
    assert_eq!(
        covered_date(&digest(DigestDay::SameDay), paris, fired),
        date(2026, 3, 29)
    );
    assert_eq!(
        covered_date(&digest(DigestDay::DayBefore), paris, fired),
        date(2026, 3, 30)
    );
    let autumn = utc(2026, 10, 25, 6, 0); // 07:00 CET on the autumn Sunday
    assert_eq!(
        covered_date(&digest(DigestDay::SameDay), paris, autumn),
        date(2026, 10, 25)
    );
}

#[test]
fn an_eve_digest_covers_the_day_after_across_the_autumn_change_east_and_west() {
    let day_before = digest(DigestDay::DayBefore);
    // Saturday 24 October, 18:00 CEST in Paris: covers the 25-hour Sunday.
    let paris = zone("Europe/Paris");
    let fired = next_firing(at("18:00"), paris, utc(2026, 10, 24, 12, 0));
    assert_eq!(fired, utc(2026, 10, 24, 16, 0));
    assert_eq!(covered_date(&day_before, paris, fired), date(2026, 10, 25));
    let sunday = next_firing(at("18:00"), paris, fired);
    assert_eq!(sunday, utc(2026, 10, 25, 17, 0), "18:00 CET");
    assert_eq!(covered_date(&day_before, paris, sunday), date(2026, 10, 26));
    // Saturday 31 October, 21:00 EDT in New York is already Sunday in UTC.
    let ny = zone("America/New_York");
    let fired = next_firing(at("21:00"), ny, utc(2026, 10, 31, 12, 0));
    assert_eq!(fired, utc(2026, 11, 1, 1, 0));
    assert_eq!(covered_date(&day_before, ny, fired), date(2026, 11, 1));
    let sunday = next_firing(at("21:00"), ny, fired);
    assert_eq!(sunday, utc(2026, 11, 2, 2, 0), "21:00 EST");
    assert_eq!(covered_date(&day_before, ny, sunday), date(2026, 11, 2));
}

#[test]
fn an_evening_digest_west_of_utc_covers_the_local_tomorrow_not_the_utc_one() {
    let ny = zone("America/New_York");
    // 20:00 in New York on Saturday 7 March is already Sunday 8 March 01:00 UTC.
    let fired = utc(2026, 3, 8, 1, 0);
    assert_eq!(
        covered_date(&digest(DigestDay::DayBefore), ny, fired),
        date(2026, 3, 8)
    );
    assert_eq!(
        covered_date(&digest(DigestDay::SameDay), ny, fired),
        date(2026, 3, 7)
    );
}

#[test]
fn the_days_the_clocks_change_last_23_and_25_hours() {
    let (a, b) = day_bounds(date(2026, 3, 29), zone("Europe/Paris"));
    assert_eq!((a, b - a), (utc(2026, 3, 28, 23, 0), Duration::hours(23)));
    let (a, b) = day_bounds(date(2026, 10, 25), zone("Europe/Paris"));
    assert_eq!((a, b - a), (utc(2026, 10, 24, 22, 0), Duration::hours(25)));
    let (a, b) = day_bounds(date(2026, 3, 8), zone("America/New_York"));
    assert_eq!((a, b - a), (utc(2026, 3, 8, 5, 0), Duration::hours(23)));
    let (a, b) = day_bounds(date(2026, 11, 1), zone("America/New_York"));
    assert_eq!((a, b - a), (utc(2026, 11, 1, 4, 0), Duration::hours(25)));
}

// ---- the recurring schedules --------------------------------------------------------------

#[test]
fn each_staff_member_and_manager_gets_one_schedule_in_their_own_zone() {
    let team = [
        staff("sam", "Europe/Paris"),
        staff("kim", "America/New_York"),
    ];
    let schedules = digest_schedules(&settings(digest(DigestDay::SameDay)), &team);
    assert_eq!(schedules.len(), 3);
    let zones: Vec<(&Recipient, &str)> = schedules
        .iter()
        .map(|s| (&s.trigger.recipient, s.zone.name()))
        .collect();
    assert!(zones.contains(&(&Recipient::Staff(id("sam")), "Europe/Paris")));
    assert!(zones.contains(&(&Recipient::Staff(id("kim")), "America/New_York")));
    assert!(zones.contains(&(&Recipient::Manager(id("owner")), "America/New_York")));
    assert!(schedules.iter().all(|s| s.at == at("07:00")));
    assert!(schedules.iter().all(|s| s.name.as_str().len() <= 64));
}

#[test]
fn a_new_time_renames_the_schedules_and_switching_off_removes_them() {
    let team = [staff("sam", "Europe/Paris")];
    let before = digest_schedules(&settings(digest(DigestDay::SameDay)), &team);
    let same = digest_schedules(&settings(digest(DigestDay::DayBefore)), &team);
    assert!(!before.is_empty());
    assert_eq!(
        before.iter().map(|s| &s.name).collect::<Vec<_>>(),
        same.iter().map(|s| &s.name).collect::<Vec<_>>(),
        "which day is decided at fire time: the schedule stays"
    );
    let later = digest_schedules(
        &settings(DigestSettings {
            at: at("18:00"),
            ..digest(DigestDay::DayBefore)
        }),
        &team,
    );
    assert!(
        later
            .iter()
            .all(|l| before.iter().all(|b| b.name != l.name))
    );
    assert!(
        later[0]
            .name
            .as_str()
            .starts_with(&later[0].trigger.schedule_prefix())
    );
    let off = digest_schedules(
        &settings(DigestSettings {
            staff: false,
            managers: false,
            ..digest(DigestDay::SameDay)
        }),
        &team,
    );
    assert!(off.is_empty());
    let no_channel = digest_schedules(
        &settings(DigestSettings {
            email: false,
            sms: false,
            ..digest(DigestDay::SameDay)
        }),
        &team,
    );
    assert!(no_channel.is_empty());
}

// ---- what a digest lists, and its verdict --------------------------------------------------

struct Day {
    settings: BusinessSettings,
    sam: StaffMember,
    kim: StaffMember,
    appointments: Vec<Appointment>,
}

impl Day {
    fn new() -> Self {
        Self {
            settings: settings(digest(DigestDay::SameDay)),
            sam: staff("sam", "Europe/Paris"),
            kim: staff("kim", "America/New_York"),
            appointments: vec![
                appointment(
                    1,
                    "sam",
                    utc(2026, 3, 29, 9, 0),
                    AppointmentStatus::Confirmed,
                ),
                appointment(
                    2,
                    "sam",
                    utc(2026, 3, 29, 7, 0),
                    AppointmentStatus::Confirmed,
                ),
                appointment(
                    3,
                    "sam",
                    utc(2026, 3, 29, 12, 0),
                    AppointmentStatus::Cancelled,
                ),
                appointment(
                    4,
                    "kim",
                    utc(2026, 3, 29, 10, 0),
                    AppointmentStatus::Requested,
                ),
                // Monday 00:30 in Paris: another day.
                appointment(
                    5,
                    "sam",
                    utc(2026, 3, 29, 22, 30),
                    AppointmentStatus::Confirmed,
                ),
            ],
        }
    }

    fn staff_ctx(&self, member: &StaffMember, day: NaiveDate) -> DayContext<'_> {
        DayContext {
            settings: &self.settings,
            recipient: DayRecipient::Staff(if member.id == self.sam.id {
                &self.sam
            } else {
                &self.kim
            }),
            date: day,
            appointments: &self.appointments,
            totals: None,
            clients: &[],
            types: &[],
            staff: &[],
        }
    }
}

#[test]
fn a_staff_digest_lists_only_their_live_appointments_of_their_day_in_order() {
    let day = Day::new();
    let ctx = day.staff_ctx(&day.sam, date(2026, 3, 29));
    let listed: Vec<&str> = ctx.listed().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        listed,
        vec!["a2", "a1"],
        "not Kim's, not the cancelled one, not Monday's"
    );
    let plan = digest_messages(&ctx);
    assert_eq!(plan.len(), 1);
    let key = &plan[0].key;
    assert_eq!(key.kind, MessageKind::StaffDigest);
    assert_eq!(key.channel, Channel::Email);
    assert_eq!(
        key.subject,
        Subject::StaffDay {
            staff: id("sam"),
            date: date(2026, 3, 29)
        }
    );
    assert_eq!(
        key.due,
        utc(2026, 3, 28, 23, 0),
        "the start of the day covered"
    );
    assert_eq!(verdict(key, &ctx, utc(2026, 3, 29, 5, 0)), Verdict::Send);
}

#[test]
fn a_manager_digest_lists_the_whole_business() {
    let day = Day::new();
    let owner = day.settings.input.managers[0].clone();
    let ctx = DayContext {
        recipient: DayRecipient::Manager(&owner),
        // In New York, 29 March runs 04:00 UTC to 04:00 UTC the next day.
        ..day.staff_ctx(&day.sam, date(2026, 3, 29))
    };
    let listed: Vec<&str> = ctx.listed().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(listed, vec!["a2", "a1", "a4", "a5"]);
    let plan = digest_messages(&ctx);
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].key.kind, MessageKind::ManagerDigest);
    assert_eq!(plan[0].key.recipient, Recipient::Manager(id("owner")));
}

#[test]
fn an_empty_day_is_recorded_as_nothing_to_report_and_a_day_gone_by_as_too_late() {
    let day = Day::new();
    let empty = day.staff_ctx(&day.sam, date(2026, 3, 31));
    let plan = digest_messages(&empty);
    assert!(!plan.is_empty());
    assert_eq!(
        verdict(&plan[0].key, &empty, utc(2026, 3, 31, 5, 0)),
        Verdict::Suppress(SuppressionReason::NothingToReport)
    );
    let ctx = day.staff_ctx(&day.sam, date(2026, 3, 29));
    let key = &digest_messages(&ctx)[0].key;
    assert_eq!(
        verdict(key, &ctx, utc(2026, 3, 29, 22, 0)),
        Verdict::Stale(StaleReason::TooLate),
        "midnight in Paris has passed"
    );
}

#[test]
fn a_digest_switched_off_before_it_fires_is_not_sent() {
    let mut day = Day::new();
    let key = digest_messages(&day.staff_ctx(&day.sam, date(2026, 3, 29)))[0]
        .key
        .clone();
    day.settings.input.notifications.digest.staff = false;
    let ctx = day.staff_ctx(&day.sam, date(2026, 3, 29));
    assert!(digest_messages(&ctx).is_empty());
    assert_eq!(
        verdict(&key, &ctx, utc(2026, 3, 29, 5, 0)),
        Verdict::Stale(StaleReason::NotInCurrentPlan)
    );
}

#[test]
fn a_digest_renders_its_table_in_the_recipients_zone() {
    let day = Day::new();
    let ctx = day.staff_ctx(&day.sam, date(2026, 3, 29));
    let key = digest_messages(&ctx)[0].key.clone();
    let r = rendering(&key, &ctx).unwrap();
    let crate::render::TemplateVariables::Day(vars) = &r.variables else {
        panic!("day variables");
    };
    assert_eq!(vars.count, 2);
    assert_eq!(
        vars.first_time.as_deref(),
        Some("09:00"),
        "07:00 UTC is 09:00 CEST"
    );
    assert_eq!(vars.date, "dimanche 29 mars 2026");
}

// ---- a day of any size ----------------------------------------------------------------------

/// A business's 2 June 2026 in Paris: `count` appointments spread over `staff` members, each
/// with its own client, every name `name(kind, n)`.
struct BusyDay {
    settings: BusinessSettings,
    appointments: Vec<Appointment>,
    clients: Vec<Client>,
    types: Vec<AppointmentType>,
    staff: Vec<StaffMember>,
}

impl BusyDay {
    fn new(count: u32, staff: u32, name: &dyn Fn(&str, u32) -> String) -> Self {
        let mut settings = settings(digest(DigestDay::SameDay));
        settings.input.managers[0].time_zone = zone("Europe/Paris");
        let members: Vec<StaffMember> = (0..staff)
            .map(|n| StaffMember {
                name: DisplayName::parse(&name("staff", n)).unwrap(),
                ..self::staff(&format!("s{n}"), "Europe/Paris")
            })
            .collect();
        let opening = utc(2026, 6, 2, 6, 0);
        let appointments: Vec<Appointment> = (0..count)
            .map(|n| Appointment {
                client_id: id(&format!("c{n}")),
                ..appointment(
                    n,
                    &format!("s{}", n % staff),
                    opening + Duration::minutes(i64::from(n % 600)),
                    AppointmentStatus::Confirmed,
                )
            })
            .collect();
        let clients = (0..count)
            .map(|n| Client {
                tenant: id("salon"),
                id: id(&format!("c{n}")),
                name: DisplayName::parse(&name("client", n)).unwrap(),
                email: None,
                phone: None,
                locale: Locale::FR,
                time_zone: zone("Europe/Paris"),
                preferences: ContactPreferences::default(),
                version: 1,
            })
            .collect();
        let types = vec![AppointmentType {
            tenant: id("salon"),
            id: id("cut"),
            name: DisplayName::parse(&name("type", 0)).unwrap(),
            overrides: NotificationOverride::default(),
            version: 1,
        }];
        Self {
            settings,
            appointments,
            clients,
            types,
            staff: members,
        }
    }

    fn manager_ctx(&self) -> DayContext<'_> {
        DayContext {
            settings: &self.settings,
            recipient: DayRecipient::Manager(&self.settings.input.managers[0]),
            date: date(2026, 6, 2),
            appointments: &self.appointments,
            totals: None,
            clients: &self.clients,
            types: &self.types,
            staff: &self.staff,
        }
    }
}

/// The manager's e-mail of that day, with the business's own template if given.
fn manager_email(
    day: &BusyDay,
    custom: Option<&crate::render::TemplateBody>,
) -> Result<(crate::render::OutgoingEmail, Option<String>), crate::render::ComposeError> {
    let ctx = day.manager_ctx();
    let plan = digest_messages(&ctx);
    assert!(!plan.is_empty(), "the manager has a digest");
    let key = &plan[0].key;
    let r = rendering(key, &ctx).unwrap();
    let sender = crate::render::SenderIdentity {
        address: id("no-reply@rappel.example"),
        sms_opt_out: None,
        two_way_sms: false,
    };
    let fitted = crate::render::compose_fitting(&crate::render::Composition {
        key,
        rendering: &r,
        custom_template: custom,
        sender: &sender,
    })?;
    match fitted.message {
        crate::render::OutgoingMessage::Email(email) => Ok((email, fitted.fallback)),
        crate::render::OutgoingMessage::Sms(_) => panic!("the digest is an e-mail"),
    }
}

#[test]
fn a_manager_digest_of_2000_appointments_and_500_staff_summarises_inside_the_size_limit() {
    let day = BusyDay::new(2000, 500, &|kind, n| format!("{kind} {n}"));
    let ctx = day.manager_ctx();
    assert_eq!(ctx.count(), 2000);
    let (email, fallback) = manager_email(&day, None).unwrap();
    assert_eq!(fallback, None);
    let html = email.html;
    assert!(html.len() < crate::render::MAX_RENDERED_PART_BYTES);
    assert!(email.text.len() < crate::render::MAX_RENDERED_PART_BYTES);
    // The first rows listed, the rest counted; the busiest staff members counted.
    assert_eq!(html.matches("client ").count(), DIGEST_ROWS);
    assert!(
        email.text.contains("and 1950 more appointment(s)"),
        "{}",
        email.text
    );
    assert!(email.text.contains("staff 0: 4"), "{}", email.text);
    assert!(email.text.contains("and 470 other(s)"), "{}", email.text);
    assert!(email.subject.contains("2000") || email.text.contains("2000"));
}

#[test]
fn a_day_whose_names_are_all_as_long_as_allowed_lists_fewer_rows_and_still_counts_them_all() {
    // 200 quotes: each name escapes to 1,200 bytes of HTML.
    let day = BusyDay::new(300, 40, &|_, _| "\"".repeat(200));
    let (email, fallback) = manager_email(&day, None).unwrap();
    assert_eq!(fallback, None);
    let html = email.html;
    assert!(html.len() <= crate::render::MAX_RENDERED_PART_BYTES);
    let rows = html.matches("<tr><td style=\"padding:4px").count();
    assert!(rows > 0 && rows < DIGEST_ROWS, "{rows} rows listed");
    let more = 300 - rows;
    assert!(
        email
            .text
            .contains(&format!("and {more} more appointment(s)"))
    );
}

#[test]
fn a_business_digest_template_too_big_for_the_day_gives_way_to_the_built_in_one_with_its_reason() {
    let day = BusyDay::new(400, 20, &|kind, n| format!("{kind} {n}"));
    // Fine on a small day; 50 rows of 2,000 dots are more than 64 KiB.
    let custom = crate::render::TemplateBody {
        subject: Some("{{ count }} today".into()),
        text: "{% for a in appointments %}{{ a.client_name }} {{ '.' * 2000 }}\n{% endfor %}"
            .into(),
        html: None,
    };
    let (email, fallback) = manager_email(&day, Some(&custom)).unwrap();
    let reason = fallback.expect("the reason is kept");
    assert!(reason.starts_with("template_too_costly"), "{reason}");
    assert!(reason.contains("built-in"), "{reason}");
    assert!(
        email.text.contains("and 350 more appointment(s)"),
        "{}",
        email.text
    );
}
