//! A fault-injecting HTTP proxy between the functions' SDK clients and the emulator: it
//! forwards each request to moto unless its plan picks a fault, and then answers as the AWS
//! service itself answers when it fails — throttling in each service's own shape, 500 and 503,
//! an answer slower than the SDK's attempt timeout, a connection dropped before the request
//! arrives, or one dropped after the service did the work (the answer lost).
//!
//! The plan draws from a seeded generator, so a failing run is replayed with its seed; it can
//! be limited to some services and operations. Every request and fault is counted, by service,
//! operation and kind ([`FaultProxy::counts`]).

use crate::draws::SplitMix64;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How late a slow answer comes: past the AWS SDK's 3 s attempt timeout
/// (`rappel_aws::sdk::ATTEMPT_TIMEOUT`, tied by a test in `rappel-aws-tests`), so the SDK
/// abandons the attempt and retries.
pub const SLOW_BY: Duration = Duration::from_millis(3_400);

/// What goes wrong with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// The service's throttling error (DynamoDB alternates `ThrottlingException` and
    /// `ProvisionedThroughputExceededException`).
    Throttled,
    InternalError,
    Unavailable,
    /// Answered after the SDK's attempt timeout (the work is still done, as a slow service
    /// does it).
    Slow,
    /// The connection closes before the request reaches the service.
    DroppedBefore,
    /// The service did the work; the connection closes before the answer.
    AnswerLost,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::Throttled,
        Fault::InternalError,
        Fault::Unavailable,
        Fault::Slow,
        Fault::DroppedBefore,
        Fault::AnswerLost,
    ];
}

/// Which requests fail, and how.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    /// Share of the eligible requests that fail.
    pub rate: f64,
    pub seed: u64,
    /// Faults to draw from, with their weights.
    pub kinds: Vec<(Fault, u32)>,
    /// `service` or `service.Operation` eligible for faults (`dynamodb`, `ses.SendEmail`…);
    /// empty: all.
    pub only: Vec<String>,
    /// How late a slow answer comes.
    pub slow_by: Duration,
    /// At most this many faults, then none.
    pub limit: Option<u64>,
    /// A lost or late answer of a provider's send (SES `SendEmail`, SNS `Publish`) becomes a
    /// 503: those keep no idempotency key, so the SDK's retry of an ambiguous send sends twice
    /// — the documented window, shown on its own by a test rather than left to chance.
    pub spare_provider_sends: bool,
}

/// Sends that a provider performs again when asked again.
const UNIDEMPOTENT: [&str; 2] = ["ses.SendEmail", "sns.Publish"];

impl FaultPlan {
    /// `rate` of every service's requests fail, the kinds weighted as a bad hour on AWS: mostly
    /// throttling and 5xx, some dropped connections, few slow answers (each costs an attempt
    /// timeout) and lost answers.
    pub fn everywhere(rate: f64, seed: u64) -> Self {
        Self {
            rate,
            seed,
            kinds: vec![
                (Fault::Throttled, 40),
                (Fault::InternalError, 15),
                (Fault::Unavailable, 15),
                (Fault::DroppedBefore, 20),
                (Fault::AnswerLost, 8),
                (Fault::Slow, 2),
            ],
            only: Vec::new(),
            slow_by: SLOW_BY,
            limit: None,
            spare_provider_sends: true,
        }
    }

    /// No faults (a proxy that only counts).
    pub fn none() -> Self {
        Self::everywhere(0.0, 1)
    }

    /// `fault` on the first `n` requests of the services or operations in `only`, then none.
    pub fn first(n: u64, fault: Fault, only: &[&str]) -> Self {
        Self {
            limit: Some(n),
            ..Self::always(fault, only)
        }
    }

    /// Only `fault`, on every request of the services or operations in `only`.
    pub fn always(fault: Fault, only: &[&str]) -> Self {
        Self {
            rate: 1.0,
            seed: 1,
            kinds: vec![(fault, 1)],
            only: only.iter().map(|s| (*s).to_owned()).collect(),
            spare_provider_sends: false,
            ..Self::everywhere(1.0, 1)
        }
    }

    /// From `RAPPEL_AWS_FAULTS` (`<rate>` or `<rate>:<seed>`), as `bash infra/test.sh` sets it
    /// for the second run of the emulator suites.
    pub fn from_env() -> Option<Self> {
        let raw = std::env::var(FAULTS_VAR).ok()?;
        let (rate, seed) = match raw.split_once(':') {
            Some((rate, seed)) => (rate, seed.parse().ok()?),
            None => (raw.as_str(), 20261123),
        };
        Some(Self::everywhere(rate.parse().ok()?, seed))
    }

    fn eligible(&self, call: &Call) -> bool {
        self.only.is_empty()
            || self
                .only
                .iter()
                .any(|o| *o == call.service || *o == format!("{}.{}", call.service, call.operation))
    }
}

/// The variable that turns faults on for the emulator suites.
pub const FAULTS_VAR: &str = "RAPPEL_AWS_FAULTS";

/// Requests seen and faults injected, by `service.Operation`.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub requests: BTreeMap<String, u64>,
    pub faults: BTreeMap<(String, Fault), u64>,
}

impl Counts {
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }

    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }

    pub fn of(&self, fault: Fault) -> u64 {
        self.faults
            .iter()
            .filter(|((_, f), _)| *f == fault)
            .map(|(_, n)| n)
            .sum()
    }
}

/// A running proxy; it stops with the test's runtime.
#[derive(Clone)]
pub struct FaultProxy {
    pub url: String,
    state: Arc<Mutex<ProxyState>>,
}

struct ProxyState {
    plan: FaultPlan,
    rng: SplitMix64,
    counts: Counts,
    /// Alternates DynamoDB's two throttling errors.
    throttles: u64,
    /// Faults injected under the current plan (its `limit`).
    under_plan: u64,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream` (the emulator's URL).
    pub async fn start(upstream: &str, plan: FaultPlan) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port for the fault proxy");
        let url = format!("http://{}", listener.local_addr().expect("bound address"));
        let state = Arc::new(Mutex::new(ProxyState {
            rng: SplitMix64::new(plan.seed),
            plan,
            counts: Counts::default(),
            throttles: 0,
            under_plan: 0,
        }));
        let proxy = Self {
            url,
            state: state.clone(),
        };
        let upstream = upstream.trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (state, upstream, http) = (state.clone(), upstream.clone(), http.clone());
                tokio::spawn(async move {
                    let _ = serve(socket, &state, &upstream, &http).await;
                });
            }
        });
        proxy
    }

    pub fn counts(&self) -> Counts {
        lock(&self.state).counts.clone()
    }

    /// Stops injecting faults (what is in flight finishes as drawn).
    pub fn calm(&self) {
        lock(&self.state).plan.rate = 0.0;
    }

    pub fn set_plan(&self, plan: FaultPlan) {
        let mut state = lock(&self.state);
        state.rng = SplitMix64::new(plan.seed);
        state.plan = plan;
        state.under_plan = 0;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One request as received.
struct Call {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    service: String,
    operation: String,
}

/// Serves one connection, request after request (the SDK keeps connections alive).
async fn serve(
    socket: TcpStream,
    state: &Mutex<ProxyState>,
    upstream: &str,
    http: &reqwest::Client,
) -> std::io::Result<()> {
    let mut socket = BufReader::new(socket);
    loop {
        let Some(call) = read_call(&mut socket).await? else {
            return Ok(());
        };
        let fault = draw(state, &call);
        match fault {
            Some(Fault::DroppedBefore) => return Ok(()),
            Some(Fault::AnswerLost) => {
                let _ = forward(http, upstream, &call).await;
                return Ok(());
            }
            Some(Fault::Slow) => {
                let slow_by = lock(state).plan.slow_by;
                tokio::time::sleep(slow_by).await;
                let answer = forward(http, upstream, &call).await?;
                // The SDK gave up on this attempt long ago; whoever still listens gets it.
                let _ = write_answer(socket.get_mut(), &answer).await;
                return Ok(());
            }
            Some(fault) => {
                let dynamo_variant = {
                    let mut state = lock(state);
                    state.throttles += 1;
                    state.throttles
                };
                let answer = failure(&call, fault, dynamo_variant);
                write_answer(socket.get_mut(), &answer).await?;
            }
            None => {
                let answer = forward(http, upstream, &call).await?;
                write_answer(socket.get_mut(), &answer).await?;
            }
        }
    }
}

fn draw(state: &Mutex<ProxyState>, call: &Call) -> Option<Fault> {
    let mut state = lock(state);
    let name = format!("{}.{}", call.service, call.operation);
    *state.counts.requests.entry(name.clone()).or_default() += 1;
    if !state.plan.eligible(call) {
        return None;
    }
    if state
        .plan
        .limit
        .is_some_and(|limit| state.under_plan >= limit)
    {
        return None;
    }
    let roll = state.rng.unit();
    if roll >= state.plan.rate {
        return None;
    }
    let total: u32 = state.plan.kinds.iter().map(|(_, w)| w).sum();
    let mut pick = state.rng.below(u64::from(total)) as u32;
    let fault = state
        .plan
        .kinds
        .iter()
        .find(|(_, w)| {
            if pick < *w {
                true
            } else {
                pick -= w;
                false
            }
        })
        .map(|(f, _)| *f)?;
    let ambiguous = matches!(fault, Fault::AnswerLost | Fault::Slow);
    let fault =
        if ambiguous && state.plan.spare_provider_sends && UNIDEMPOTENT.contains(&name.as_str()) {
            Fault::Unavailable
        } else {
            fault
        };
    *state.counts.faults.entry((name, fault)).or_default() += 1;
    state.under_plan += 1;
    Some(fault)
}

/// Reads one HTTP/1.1 request (the SDK sends bodies with a `content-length`); `None` when the
/// client closed the connection.
async fn read_call(socket: &mut BufReader<TcpStream>) -> std::io::Result<Option<Call>> {
    let mut head = Vec::new();
    loop {
        let mut byte = [0u8; 1];
        if socket.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
        if head.ends_with(b"\r\n\r\n") {
            break;
        }
        if head.len() > 64 * 1024 {
            return Err(std::io::Error::other("request head too long"));
        }
    }
    let mut parsed_headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut parsed_headers);
    request
        .parse(&head)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let method = request.method.unwrap_or("GET").to_owned();
    let path = request.path.unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let length = header(&headers, "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    socket.read_exact(&mut body).await?;
    let service = service_of(&headers);
    let operation = operation_of(&service, &method, &path, &headers, &body);
    Ok(Some(Call {
        method,
        path,
        headers,
        body,
        service,
        operation,
    }))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The signing name in the credential scope (`Credential=…/us-east-1/dynamodb/aws4_request`).
fn service_of(headers: &[(String, String)]) -> String {
    header(headers, "authorization")
        .and_then(|auth| auth.split("Credential=").nth(1))
        .and_then(|scope| scope.split('/').nth(3))
        .unwrap_or("unknown")
        .to_owned()
}

fn operation_of(
    service: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> String {
    if let Some(target) = header(headers, "x-amz-target") {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    if service == "sns" {
        return form_urlencoded::parse(body)
            .find(|(k, _)| k == "Action")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| "unknown".into());
    }
    let path = path.split('?').next().unwrap_or(path);
    match (service, method, path) {
        ("ses", "POST", "/v2/email/outbound-emails") => "SendEmail".into(),
        ("scheduler", "POST", p) if p.starts_with("/schedules/") => "CreateSchedule".into(),
        ("scheduler", "DELETE", p) if p.starts_with("/schedules/") => "DeleteSchedule".into(),
        ("scheduler", "GET", p) if p.starts_with("/schedules/") => "GetSchedule".into(),
        ("scheduler", "PUT", p) if p.starts_with("/schedules/") => "UpdateSchedule".into(),
        _ => format!("{method} {path}"),
    }
}

/// An answer to write back.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn forward(http: &reqwest::Client, upstream: &str, call: &Call) -> std::io::Result<Answer> {
    let method = reqwest::Method::from_bytes(call.method.as_bytes())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut request = http.request(method, format!("{upstream}{}", call.path));
    for (name, value) in &call.headers {
        if !matches!(name.as_str(), "host" | "connection" | "content-length") {
            request = request.header(name, value);
        }
    }
    let response = request
        .body(call.body.clone())
        .send()
        .await
        .map_err(std::io::Error::other)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter(|(n, _)| {
            !matches!(
                n.as_str(),
                "content-length" | "connection" | "transfer-encoding"
            )
        })
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .bytes()
        .await
        .map_err(std::io::Error::other)?
        .to_vec();
    Ok(Answer {
        status,
        headers,
        body,
    })
}

async fn write_answer(socket: &mut TcpStream, answer: &Answer) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
    for (name, value) in &answer.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", answer.body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&answer.body);
    socket.write_all(&bytes).await?;
    socket.flush().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// The service's own error answer for `fault`: the status, error-type header and body its
/// protocol uses (awsJson for DynamoDB, Streams, SQS and Secrets Manager; restJson for SES v2
/// and Scheduler; awsQuery XML for SNS).
fn failure(call: &Call, fault: Fault, nth: u64) -> Answer {
    let request_id = format!("fault-{nth:08}");
    let (status, code, message) = match (call.service.as_str(), fault) {
        ("dynamodb", Fault::Throttled) if nth.is_multiple_of(2) => (
            400,
            "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded.",
        ),
        ("dynamodb" | "scheduler" | "secretsmanager", Fault::Throttled) => {
            let status = if call.service == "dynamodb" { 400 } else { 429 };
            (status, "ThrottlingException", "Rate exceeded")
        }
        ("ses", Fault::Throttled) => (
            429,
            "TooManyRequestsException",
            "Maximum sending rate exceeded.",
        ),
        ("sns", Fault::Throttled) => (400, "Throttling", "Rate exceeded"),
        ("sqs", Fault::Throttled) => (400, "RequestThrottled", "Rate exceeded"),
        (_, Fault::Throttled) => (429, "ThrottlingException", "Rate exceeded"),
        ("dynamodb", Fault::InternalError) => (500, "InternalServerError", "Internal server error"),
        ("ses" | "sns" | "sqs", Fault::InternalError) => {
            (500, "InternalFailure", "Internal failure")
        }
        (_, Fault::InternalError) => (500, "InternalServerException", "Internal server error"),
        (_, _) => (
            503,
            "ServiceUnavailable",
            "Service is unavailable. Please try again later.",
        ),
    };
    let mut headers = vec![("x-amzn-requestid".to_owned(), request_id.clone())];
    let body = match call.service.as_str() {
        "sns" => {
            headers.push(("content-type".into(), "text/xml".into()));
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            format!(
                "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>\
                 <Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>"
            )
        }
        "ses" | "scheduler" => {
            headers.push(("content-type".into(), "application/json".into()));
            headers.push(("x-amzn-errortype".into(), format!("{code}:")));
            format!("{{\"message\":\"{message}\"}}")
        }
        "dynamodb" | "streams.dynamodb" => {
            headers.push(("content-type".into(), "application/x-amz-json-1.0".into()));
            format!(
                "{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{code}\",\"message\":\"{message}\"}}"
            )
        }
        "sqs" => {
            headers.push(("content-type".into(), "application/x-amz-json-1.0".into()));
            headers.push(("x-amzn-query-error".into(), format!("{code};Sender")));
            format!("{{\"__type\":\"com.amazonaws.sqs#{code}\",\"message\":\"{message}\"}}")
        }
        _ => {
            headers.push(("content-type".into(), "application/x-amz-json-1.1".into()));
            format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}")
        }
    };
    Answer {
        status,
        headers,
        body: body.into_bytes(),
    }
}
