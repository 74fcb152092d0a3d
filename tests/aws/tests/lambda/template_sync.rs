//! The SAM template stays in step with the code: one function per crate under `functions/`,
//! each given exactly the environment variables its composition reads, and the tables declared
//! with the keys, indexes, stream and TTL the adapters use.

use rappel_aws::dynamodb::schema::{RECORD_INDEXES, TTL_ATTRIBUTE};
use rappel_aws::wiring::{FUNCTION_ENV, variables_of};
use rappel_ports::records::RecordKind;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn workspace() -> &'static Path {
    rappel_testkit::fixtures::workspace_root()
}

fn template() -> Yaml {
    let text = std::fs::read_to_string(workspace().join("template.yaml")).expect("template.yaml");
    YamlLoader::load_from_str(&text)
        .expect("template.yaml is YAML")
        .remove(0)
}

fn resources_of_type<'a>(template: &'a Yaml, kind: &str) -> Vec<(&'a str, &'a Yaml)> {
    template["Resources"]
        .as_hash()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(name, r)| (name.as_str().unwrap_or_default(), r))
        .collect()
}

/// The package name of every crate under `functions/`.
fn function_crates() -> BTreeSet<String> {
    std::fs::read_dir(workspace().join("functions"))
        .expect("functions/")
        .filter_map(|entry| {
            let manifest = std::fs::read_to_string(entry.ok()?.path().join("Cargo.toml")).ok()?;
            manifest
                .lines()
                .find_map(|l| l.strip_prefix("name = "))
                .map(|n| n.trim_matches('"').to_owned())
        })
        .collect()
}

/// Binary name → environment variable names, for every function of the template.
fn template_functions(template: &Yaml) -> BTreeMap<String, BTreeSet<String>> {
    resources_of_type(template, "AWS::Serverless::Function")
        .into_iter()
        .map(|(name, function)| {
            assert_eq!(
                function["Metadata"]["BuildMethod"].as_str(),
                Some("rust-cargolambda"),
                "{name} is built with cargo-lambda"
            );
            let binary = function["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap_or_else(|| panic!("{name} names its binary"))
                .to_owned();
            let variables = function["Properties"]["Environment"]["Variables"]
                .as_hash()
                .map(|vars| {
                    vars.keys()
                        .filter_map(|k| k.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            (binary, variables)
        })
        .collect()
}

#[test]
fn every_function_crate_is_deployed_by_the_template_and_nothing_else_is() {
    let deployed: BTreeSet<String> = template_functions(&template()).into_keys().collect();
    assert_eq!(deployed, function_crates());
}

#[test]
fn every_function_crate_has_a_known_list_of_variables() {
    let listed: BTreeSet<String> = FUNCTION_ENV.iter().map(|(b, _)| (*b).to_owned()).collect();
    assert_eq!(listed, function_crates());
}

#[test]
fn each_function_is_given_exactly_the_variables_its_code_reads() {
    let functions = template_functions(&template());
    for (binary, _) in FUNCTION_ENV {
        let expected: BTreeSet<String> = variables_of(binary)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let declared = functions
            .get(*binary)
            .unwrap_or_else(|| panic!("{binary} is not in the template"));
        let missing: Vec<_> = expected.difference(declared).collect();
        let unused: Vec<_> = declared.difference(&expected).collect();
        assert!(
            missing.is_empty() && unused.is_empty(),
            "{binary}: read but not set {missing:?}; set but not read {unused:?}"
        );
    }
}

#[test]
fn the_records_table_has_the_indexes_and_stream_the_adapter_uses() {
    let template = template();
    let table = &template["Resources"]["RecordsTable"]["Properties"];
    assert_eq!(
        table["StreamSpecification"]["StreamViewType"].as_str(),
        Some("NEW_AND_OLD_IMAGES")
    );
    let indexes: BTreeSet<(String, String, String)> = table["GlobalSecondaryIndexes"]
        .as_vec()
        .expect("indexes")
        .iter()
        .map(|index| {
            let keys = index["KeySchema"].as_vec().expect("key schema");
            let key = |kind: &str| {
                keys.iter()
                    .find(|k| k["KeyType"].as_str() == Some(kind))
                    .and_then(|k| k["AttributeName"].as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            assert_eq!(index["Projection"]["ProjectionType"].as_str(), Some("ALL"));
            (
                index["IndexName"].as_str().unwrap_or_default().to_owned(),
                key("HASH"),
                key("RANGE"),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = RECORD_INDEXES
        .iter()
        .map(|(n, p, s)| ((*n).to_owned(), (*p).to_owned(), (*s).to_owned()))
        .collect();
    assert_eq!(indexes, expected);
}

#[test]
fn the_deliveries_table_expires_entries_and_wakes_only_the_publish_function_for_its_events() {
    let template = template();
    let table = &template["Resources"]["DeliveriesTable"]["Properties"];
    assert_eq!(
        table["TimeToLiveSpecification"]["AttributeName"].as_str(),
        Some(TTL_ATTRIBUTE)
    );
    assert_eq!(
        table["StreamSpecification"]["StreamViewType"].as_str(),
        Some("NEW_IMAGE"),
        "the publish function reads new events only"
    );
    let mappings: Vec<_> = resources_of_type(&template, "AWS::Lambda::EventSourceMapping")
        .into_iter()
        .filter(|(_, m)| {
            m["Properties"]["EventSourceArn"].as_str() == Some("DeliveriesTable.StreamArn")
        })
        .collect();
    assert_eq!(mappings.len(), 1, "one mapping on the deliveries stream");
    let properties = &mappings[0].1["Properties"];
    assert_eq!(properties["FunctionName"].as_str(), Some("PublishFunction"));
    let pattern: serde_json::Value = serde_json::from_str(
        properties["FilterCriteria"]["Filters"][0]["Pattern"]
            .as_str()
            .expect("a filter pattern"),
    )
    .expect("the pattern is JSON");
    assert_eq!(
        pattern,
        serde_json::json!({"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": rappel_aws::event_stream::EVENTS_PK_PREFIX}]}}}}),
        "only new events: the ledger, the history and the rest never wake it"
    );
    assert_eq!(
        properties["FunctionResponseTypes"][0].as_str(),
        Some("ReportBatchItemFailures")
    );
}

#[test]
fn the_stream_filter_lets_through_exactly_the_records_a_change_can_replan() {
    let template = template();
    let mappings: Vec<_> = resources_of_type(&template, "AWS::Lambda::EventSourceMapping")
        .into_iter()
        .filter(|(_, m)| {
            m["Properties"]["EventSourceArn"].as_str() == Some("RecordsTable.StreamArn")
        })
        .collect();
    assert_eq!(mappings.len(), 1, "one mapping on the records stream");
    let pattern = mappings[0].1["Properties"]["FilterCriteria"]["Filters"][0]["Pattern"]
        .as_str()
        .expect("a filter pattern");
    let replanning = [
        RecordKind::Settings,
        RecordKind::AppointmentType,
        RecordKind::Staff,
        RecordKind::Client,
        RecordKind::Appointment,
        RecordKind::Invoice,
        RecordKind::Quote,
        RecordKind::Inbound,
    ];
    assert_eq!(
        pattern.matches("\"prefix\"").count(),
        replanning.len(),
        "nothing else reaches the handler: {pattern}"
    );
    for kind in replanning {
        let prefix = format!("{{\"prefix\":\"{}#\"}}", kind.as_str());
        assert!(
            pattern.contains(&prefix),
            "{kind:?} changes reach the handler"
        );
    }
    assert!(
        !pattern.contains(RecordKind::Template.as_str()),
        "templates change no plan"
    );
    let response_types = &mappings[0].1["Properties"]["FunctionResponseTypes"];
    assert_eq!(response_types[0].as_str(), Some("ReportBatchItemFailures"));
}

/// A function's timeout in seconds: its own, or the template's global one.
fn function_timeouts(template: &Yaml) -> Vec<(String, i64)> {
    let global = template["Globals"]["Function"]["Timeout"]
        .as_i64()
        .expect("a global function timeout");
    resources_of_type(template, "AWS::Serverless::Function")
        .into_iter()
        .map(|(name, f)| {
            (
                name.to_owned(),
                f["Properties"]["Timeout"].as_i64().unwrap_or(global),
            )
        })
        .collect()
}

#[test]
fn a_claims_lease_outlasts_every_function_that_could_hold_it() {
    use rappel_ports::ledger::{CLAIM_LEASE, LEASE_MARGIN, LONGEST_FUNCTION_TIMEOUT};
    let timeouts = function_timeouts(&template());
    assert!(!timeouts.is_empty());
    let longest = timeouts.iter().map(|(_, t)| *t).max().unwrap_or_default();
    assert_eq!(
        longest,
        LONGEST_FUNCTION_TIMEOUT.num_seconds(),
        "LONGEST_FUNCTION_TIMEOUT must be the template's longest timeout: {timeouts:?}"
    );
    assert_eq!(CLAIM_LEASE, LONGEST_FUNCTION_TIMEOUT + LEASE_MARGIN);
}

#[test]
fn a_full_send_batch_ends_inside_the_functions_timeout_at_every_pace_the_template_allows() {
    use rappel_aws::sdk::{ATTEMPT_TIMEOUT, MAX_ATTEMPTS, OPERATION_TIMEOUT};
    use rappel_ports::deadline::CALL_BOUND;
    use rappel_send::{BATCH_SIZE, FUNCTION_TIMEOUT, MAX_PACING_INTERVAL};
    let template = template();
    let send = function_timeouts(&template)
        .into_iter()
        .find(|(name, _)| name == "SendFunction")
        .map(|(_, t)| t)
        .expect("the send function");
    assert_eq!(send, FUNCTION_TIMEOUT.as_secs() as i64);
    let mapping = resources_of_type(&template, "AWS::Lambda::EventSourceMapping")
        .into_iter()
        .find(|(_, m)| m["Properties"]["EventSourceArn"].as_str() == Some("SendQueue.Arn"))
        .expect("the send queue's mapping")
        .1;
    assert_eq!(
        mapping["Properties"]["BatchSize"].as_i64(),
        Some(i64::from(BATCH_SIZE))
    );
    // The reserves count each call at the SDK's bound.
    assert_eq!(OPERATION_TIMEOUT, CALL_BOUND);
    assert!(ATTEMPT_TIMEOUT * MAX_ATTEMPTS > OPERATION_TIMEOUT / 2);
    assert!(ATTEMPT_TIMEOUT < OPERATION_TIMEOUT);

    // Every pair of allowed values is refused by a rule exactly when a copy would wait more
    // than MAX_PACING_INTERVAL between two sends (the arithmetic of FUNCTION_TIMEOUT).
    let allowed = |name: &str| -> Vec<i64> {
        template["Parameters"][name]["AllowedValues"]
            .as_vec()
            .expect("allowed values")
            .iter()
            .filter_map(Yaml::as_i64)
            .collect()
    };
    let (rates, concurrencies) = (allowed("SendRatePerSecond"), allowed("SendConcurrency"));
    assert!(!rates.is_empty() && !concurrencies.is_empty());
    let mut refused_pairs = 0;
    for &concurrency in &concurrencies {
        for &rate in &rates {
            let interval = concurrency as f64 / rate as f64;
            let fits = interval <= MAX_PACING_INTERVAL.as_secs_f64();
            let refused = refused_by_rules(&template, concurrency, rate);
            assert_eq!(
                refused, !fits,
                "{concurrency} copies at {rate}/s: a copy sends every {interval} s"
            );
            refused_pairs += usize::from(refused);
        }
    }
    assert!(refused_pairs > 0, "the rules refuse something");
}

/// Whether the template's rules refuse these send parameters. The rules have one shape:
/// `RuleCondition: !Equals [!Ref SendConcurrency, "<n>"]` and assertions
/// `!Not [!Contains [[<rates>], !Ref SendRatePerSecond]]` (the YAML reader drops the tags).
fn refused_by_rules(template: &Yaml, concurrency: i64, rate: i64) -> bool {
    let Some(rules) = template["Rules"].as_hash() else {
        return false;
    };
    rules.values().any(|rule| {
        let condition = &rule["RuleCondition"];
        assert_eq!(condition[0].as_str(), Some("SendConcurrency"), "{rule:?}");
        let applies = condition[1].as_str() == Some(concurrency.to_string().as_str());
        applies
            && rule["Assertions"]
                .as_vec()
                .expect("assertions")
                .iter()
                .any(|assertion| {
                    let contains = &assertion["Assert"][0];
                    assert_eq!(contains[1].as_str(), Some("SendRatePerSecond"), "{rule:?}");
                    contains[0]
                        .as_vec()
                        .expect("a list of rates")
                        .iter()
                        .any(|r| r.as_str() == Some(rate.to_string().as_str()))
                })
    })
}

#[test]
fn the_send_queue_redelivers_after_the_lease_and_dead_letters_after_the_code_s_receive_count() {
    use rappel_ports::ledger::CLAIM_LEASE;
    use rappel_ports::send_queue::MAX_RECEIVES;
    let template = template();
    let queue = &template["Resources"]["SendQueue"]["Properties"];
    let visibility = queue["VisibilityTimeout"]
        .as_i64()
        .expect("a visibility timeout");
    let send_timeout = function_timeouts(&template)
        .into_iter()
        .find(|(name, _)| name == "SendFunction")
        .map(|(_, t)| t)
        .expect("the send function");
    assert!(
        visibility >= 6 * send_timeout,
        "visibility {visibility} s must be at least 6 x the send function's {send_timeout} s"
    );
    assert!(
        visibility > CLAIM_LEASE.num_seconds(),
        "a redelivered message must find a crashed attempt's claim expired"
    );
    assert_eq!(
        queue["RedrivePolicy"]["maxReceiveCount"].as_i64(),
        Some(i64::from(MAX_RECEIVES))
    );
    assert_eq!(
        queue["RedrivePolicy"]["deadLetterTargetArn"].as_str(),
        Some("SendDeadLetterQueue.Arn")
    );

    let mapping = resources_of_type(&template, "AWS::Lambda::EventSourceMapping")
        .into_iter()
        .find(|(_, m)| m["Properties"]["EventSourceArn"].as_str() == Some("SendQueue.Arn"))
        .expect("the send function consumes the send queue")
        .1;
    let properties = &mapping["Properties"];
    assert_eq!(properties["FunctionName"].as_str(), Some("SendFunction"));
    assert_eq!(
        properties["FunctionResponseTypes"][0].as_str(),
        Some("ReportBatchItemFailures")
    );
    assert_eq!(
        properties["ScalingConfig"]["MaximumConcurrency"].as_str(),
        Some("SendConcurrency"),
        "the concurrency the pace is computed from"
    );
}

#[test]
fn the_bulk_lane_is_consumed_like_the_urgent_one_by_two_copies_reserved_beside_them() {
    use rappel_ports::send_queue::MAX_RECEIVES;
    use rappel_send::MAX_PACING_INTERVAL;
    let template = template();
    let urgent = &template["Resources"]["SendQueue"]["Properties"];
    let bulk = &template["Resources"]["BulkSendQueue"]["Properties"];
    for field in ["VisibilityTimeout", "MessageRetentionPeriod"] {
        assert_eq!(bulk[field], urgent[field], "{field}");
    }
    assert_eq!(
        bulk["RedrivePolicy"]["maxReceiveCount"].as_i64(),
        Some(i64::from(MAX_RECEIVES))
    );
    let mapping = resources_of_type(&template, "AWS::Lambda::EventSourceMapping")
        .into_iter()
        .find(|(_, m)| m["Properties"]["EventSourceArn"].as_str() == Some("BulkSendQueue.Arn"))
        .expect("the send function consumes the bulk lane")
        .1;
    let properties = &mapping["Properties"];
    assert_eq!(properties["FunctionName"].as_str(), Some("SendFunction"));
    assert_eq!(
        properties["FunctionResponseTypes"][0].as_str(),
        Some("ReportBatchItemFailures")
    );
    let copies = properties["ScalingConfig"]["MaximumConcurrency"]
        .as_i64()
        .expect("a fixed number of copies");
    let variables =
        &template["Resources"]["SendFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(
        variables["RAPPEL_BULK_SEND_CONCURRENCY"].as_str(),
        Some(copies.to_string().as_str()),
        "the pace is computed from the mapping's copies"
    );
    // Every allowed bulk rate leaves a copy at most MAX_PACING_INTERVAL between two sends.
    let rates = template["Parameters"]["BulkSendRatePerSecond"]["AllowedValues"]
        .as_vec()
        .expect("allowed values");
    assert!(!rates.is_empty());
    for rate in rates.iter().filter_map(Yaml::as_i64) {
        assert!(
            copies as f64 / rate as f64 <= MAX_PACING_INTERVAL.as_secs_f64(),
            "{rate}/s"
        );
    }
    // Reserved: the urgent lane's copies and the bulk lane's.
    let reserved = template["Mappings"]["SendCopies"]
        .as_hash()
        .expect("the reserved copies per SendConcurrency");
    let concurrencies = template["Parameters"]["SendConcurrency"]["AllowedValues"]
        .as_vec()
        .expect("allowed values");
    assert_eq!(reserved.len(), concurrencies.len());
    for concurrency in concurrencies.iter().filter_map(Yaml::as_i64) {
        let row = &template["Mappings"]["SendCopies"][concurrency.to_string().as_str()];
        assert_eq!(
            row["WithBulkLane"].as_i64(),
            Some(concurrency + copies),
            "{concurrency}"
        );
    }
}

#[test]
fn schedules_and_the_change_handler_reach_the_send_function_only_through_the_queue() {
    let template = template();
    let send = &template["Resources"]["SendFunction"]["Properties"];
    assert!(
        send["EventInvokeConfig"].is_badvalue() && send["Events"].is_badvalue(),
        "no direct invocation of the send function"
    );
    let role = &template["Resources"]["SchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
        ["Statement"];
    let actions: Vec<&str> = role
        .as_vec()
        .expect("statements")
        .iter()
        .filter_map(|s| s["Action"].as_str())
        .collect();
    assert_eq!(actions, vec!["sqs:SendMessage"]);
}

/// `(method, path, public)` of every HTTP API event of the API function.
fn api_events(template: &Yaml) -> Vec<(String, String, bool)> {
    api_events_of(template, "HttpApi")
}

/// The API function's routes on one of its HTTP APIs (`ApiId: !Ref <api>`; the reader drops
/// the tag).
fn api_events_of(template: &Yaml, api: &str) -> Vec<(String, String, bool)> {
    template["Resources"]["ApiFunction"]["Properties"]["Events"]
        .as_hash()
        .expect("the API function's events")
        .values()
        .filter(|event| event["Type"].as_str() == Some("HttpApi"))
        .filter(|event| event["Properties"]["ApiId"].as_str() == Some(api))
        .map(|event| {
            let properties = &event["Properties"];
            (
                properties["Method"]
                    .as_str()
                    .unwrap_or_default()
                    .to_uppercase(),
                properties["Path"].as_str().unwrap_or_default().to_owned(),
                properties["Auth"]["Authorizer"].as_str() == Some("NONE"),
            )
        })
        .collect()
}

/// Whether an API Gateway route path (`/v1/{proxy+}`) takes a request path.
fn route_takes(route: &str, path: &str) -> bool {
    match route.strip_suffix("{proxy+}") {
        Some(prefix) => path.starts_with(prefix) && path.len() > prefix.len(),
        None => route == path,
    }
}

#[test]
fn every_operation_of_the_contract_reaches_the_api_function_on_aws() {
    let template = template();
    let events = api_events(&template);
    assert!(!events.is_empty());
    let document: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("the contract");
    let operations: Vec<(String, String, bool)> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .iter()
                .map(move |(method, operation)| {
                    // `security: [{}]` (an empty requirement) marks a public operation.
                    let public = operation["security"].as_array().is_some_and(|s| {
                        s.iter()
                            .any(|r| r.as_object().is_some_and(|r| r.is_empty()))
                    });
                    (method.to_uppercase(), path.clone(), public)
                })
        })
        .collect();
    assert!(!operations.is_empty());
    let unreachable: Vec<String> = operations
        .iter()
        .filter(|(method, path, public)| {
            !events
                .iter()
                .any(|(m, route, open)| m == method && route_takes(route, path) && (open == public))
        })
        .map(|(method, path, public)| {
            format!("{method} {path}{}", if *public { " (public)" } else { "" })
        })
        .collect();
    assert!(
        unreachable.is_empty(),
        "no API Gateway route of template.yaml takes: {unreachable:?}"
    );
}

/// The integrators' API takes every route of the businesses' API that needs a caller, behind
/// the key authorizer, whose cache key is the two headers the authorizer reads.
#[test]
fn the_integrators_api_takes_every_private_route_behind_the_key_authorizer() {
    let template = template();
    let private: BTreeSet<(String, String)> = api_events(&template)
        .into_iter()
        .filter(|(_, _, public)| !public)
        .map(|(method, path, _)| (method, path))
        .collect();
    assert!(!private.is_empty());
    let integrators = api_events_of(&template, "IntegratorApi");
    assert!(
        integrators.iter().all(|(_, _, public)| !public),
        "no public route on the integrators' API: {integrators:?}"
    );
    let taken: BTreeSet<(String, String)> = integrators
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    assert_eq!(taken, private);

    let auth = &template["Resources"]["IntegratorApi"]["Properties"]["Auth"];
    let name = auth["DefaultAuthorizer"]
        .as_str()
        .expect("a default authorizer");
    let authorizer = &auth["Authorizers"][name];
    assert_eq!(
        authorizer["FunctionArn"][0]
            .as_str()
            .or(authorizer["FunctionArn"].as_str())
            .map(|arn| arn.starts_with("AuthorizerFunction")),
        Some(true),
        "{authorizer:?}"
    );
    assert_eq!(authorizer["EnableSimpleResponses"].as_bool(), Some(true));
    let headers: BTreeSet<String> = authorizer["Identity"]["Headers"]
        .as_vec()
        .expect("identity headers")
        .iter()
        .filter_map(|h| h.as_str().map(str::to_lowercase))
        .collect();
    assert_eq!(
        headers,
        BTreeSet::from([
            "authorization".to_owned(),
            rappel_authorizer::BUSINESS_HEADER.to_owned()
        ])
    );
}

/// The schedule alarms read the metrics the code emits, under the functions' dimensions.
/// The delivery alarms read the send function's outcomes and the change handler's failed
/// records, by the names and dimensions the code gives them.
#[test]
fn the_delivery_alarms_read_the_outcomes_the_send_function_counts() {
    let template = template();
    let alarms = resources_of_type(&template, "AWS::CloudWatch::Alarm");
    let reads = |metric: &str, dimensions: &[(&str, &str)]| {
        alarms.iter().any(|(_, alarm)| {
            let p = &alarm["Properties"];
            p["MetricName"].as_str() == Some(metric)
                && p["Dimensions"].as_vec().is_some_and(|d| {
                    d.len() == dimensions.len()
                        && dimensions.iter().zip(d).all(|((name, value), given)| {
                            given["Name"].as_str() == Some(name)
                                && given["Value"].as_str() == Some(value)
                        })
                })
        })
    };
    use rappel_app::DeliveryOutcome;
    use rappel_core::message::StaleReason;
    assert_eq!(
        rappel_send::outcome_name(&DeliveryOutcome::Stale(StaleReason::TooLate)),
        "too_late"
    );
    for (metric, dimensions) in [
        (
            rappel_send::DELIVERIES_METRIC,
            vec![("Function", "send"), ("Outcome", "retry")],
        ),
        (
            rappel_send::DELIVERIES_METRIC,
            vec![("Function", "send"), ("Outcome", "too_late")],
        ),
        (
            rappel_change_handler::FAILED_RECORDS_METRIC,
            vec![("Function", "change-handler")],
        ),
    ] {
        assert!(
            reads(metric, &dimensions),
            "no alarm reads {metric} {dimensions:?}"
        );
    }
}

#[test]
fn the_schedule_alarms_read_the_metrics_the_functions_emit() {
    use rappel_aws::scheduler::{
        SCHEDULE_QUOTA_METRIC, SCHEDULES_CREATED_METRIC, SCHEDULES_DELETED_METRIC,
    };
    let template = template();
    let read: BTreeSet<(String, String)> = resources_of_type(&template, "AWS::CloudWatch::Alarm")
        .into_iter()
        .flat_map(|(_, alarm)| {
            alarm["Properties"]["Metrics"]
                .as_vec()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|m| {
            let metric = &m["MetricStat"]["Metric"];
            Some((
                metric["MetricName"].as_str()?.to_owned(),
                metric["Dimensions"][0]["Value"].as_str()?.to_owned(),
            ))
        })
        .collect();
    assert!(!read.is_empty());
    for (metric, function) in [
        (SCHEDULES_CREATED_METRIC, "change-handler"),
        (SCHEDULES_CREATED_METRIC, "replan"),
        (SCHEDULES_DELETED_METRIC, "change-handler"),
        (SCHEDULES_DELETED_METRIC, "replan"),
        (rappel_send::SCHEDULE_FIRINGS_METRIC, "send"),
        (SCHEDULE_QUOTA_METRIC, "change-handler"),
        (SCHEDULE_QUOTA_METRIC, "replan"),
    ] {
        assert!(
            read.contains(&(metric.to_owned(), function.to_owned())),
            "no alarm reads {metric} of {function}: {read:?}"
        );
    }
    // The names the functions' collectors give their dimension.
    for (crate_main, name) in [
        ("functions/change-handler/src/main.rs", "change-handler"),
        ("functions/replan/src/main.rs", "replan"),
        ("functions/send/src/main.rs", "send"),
    ] {
        let main = std::fs::read_to_string(workspace().join(crate_main)).expect("a main");
        assert!(
            main.contains(&format!("metrics::init(\"{name}\")")),
            "{crate_main} names its metrics {name}"
        );
    }
}
