//! `template.yaml` grants each function only what it uses, alarms reach someone, and the API
//! can be called from a browser: what a review of the deployed stack would check by hand.

use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn workspace() -> &'static Path {
    rappel_testkit::fixtures::workspace_root()
}

fn template_text() -> String {
    std::fs::read_to_string(workspace().join("template.yaml")).expect("template.yaml")
}

fn template() -> Yaml {
    YamlLoader::load_from_str(&template_text())
        .expect("template.yaml is YAML")
        .remove(0)
}

fn resources(template: &Yaml) -> Vec<(String, Yaml)> {
    template["Resources"]
        .as_hash()
        .expect("Resources")
        .iter()
        .map(|(name, r)| (name.as_str().unwrap_or_default().to_owned(), r.clone()))
        .collect()
}

fn of_type(template: &Yaml, kind: &str) -> Vec<(String, Yaml)> {
    resources(template)
        .into_iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .collect()
}

/// Every IAM statement of every function, with the function's name.
fn function_statements(template: &Yaml) -> Vec<(String, Yaml)> {
    let mut all = Vec::new();
    for (name, function) in of_type(template, "AWS::Serverless::Function") {
        for policy in function["Properties"]["Policies"]
            .as_vec()
            .cloned()
            .unwrap_or_default()
        {
            for statement in policy["Statement"].as_vec().cloned().unwrap_or_default() {
                all.push((name.clone(), statement));
            }
        }
    }
    assert!(!all.is_empty(), "the functions have IAM statements");
    all
}

fn strings(value: &Yaml) -> Vec<String> {
    match value {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn no_function_may_send_raw_email_since_the_code_calls_ses_v2_send_email() {
    let statements = function_statements(&template());
    let raw: Vec<_> = statements
        .iter()
        .filter(|(_, s)| {
            strings(&s["Action"])
                .iter()
                .any(|a| a == "ses:SendRawEmail")
        })
        .map(|(f, _)| f)
        .collect();
    assert!(raw.is_empty(), "ses:SendRawEmail granted to {raw:?}");
}

#[test]
fn index_grants_name_their_indexes_and_allow_only_reads() {
    let statements = function_statements(&template());
    for (function, statement) in &statements {
        let resources = strings(&statement["Resource"]);
        assert!(
            !resources.iter().any(|r| r.ends_with("/index/*")),
            "{function}: a wildcard index grant"
        );
        if resources.iter().any(|r| r.contains("/index/")) {
            assert_eq!(
                strings(&statement["Action"]),
                vec!["dynamodb:Query".to_owned()],
                "{function}: only Query on indexes"
            );
        }
    }
}

#[test]
fn only_the_api_queries_the_deliveries_table_widely_the_others_their_keys() {
    let statements = function_statements(&template());
    let mut scoped_queries = Vec::new();
    for (function, statement) in &statements {
        let on_deliveries = strings(&statement["Resource"])
            .iter()
            .any(|r| r.starts_with("DeliveriesTable"));
        let queries = strings(&statement["Action"]).contains(&"dynamodb:Query".to_owned());
        if !on_deliveries || !queries || function == "ApiFunction" {
            continue;
        }
        let leading =
            strings(&statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]);
        let allowed: Vec<String> = match function.as_str() {
            // Its events and the business's endpoints.
            "PublishFunction" => vec!["E#*".into(), "W#*".into()],
            // What was texted to the number a reply comes from.
            "InboundSmsFunction" => vec!["S#*".into()],
            // An erased client's history and the texts sent to their number.
            "EraseFunction" => vec!["H#*".into(), "S#*".into()],
            // A retention job: each client's history, stamped again.
            "ReplanFunction" => vec!["H#*".into()],
            other => panic!("{other} never queries it"),
        };
        assert_eq!(leading, allowed, "{function}");
        scoped_queries.push(function.clone());
    }
    scoped_queries.sort();
    assert_eq!(
        scoped_queries,
        [
            "EraseFunction",
            "InboundSmsFunction",
            "PublishFunction",
            "ReplanFunction"
        ]
    );
}

#[test]
fn sms_publish_is_never_allowed_on_a_topic() {
    let statements = function_statements(&template());
    let publish: Vec<_> = statements
        .iter()
        .filter(|(_, s)| strings(&s["Action"]).contains(&"sns:Publish".to_owned()))
        .collect();
    assert!(!publish.is_empty());
    for (function, statement) in publish {
        assert!(
            statement["Resource"].is_badvalue(),
            "{function}: sns:Publish with a Resource"
        );
        assert!(
            strings(&statement["NotResource"])
                .iter()
                .any(|r| r.ends_with(":sns:*:*:*")),
            "{function}: sns:Publish must exclude every topic"
        );
    }
}

#[test]
fn the_scheduler_role_can_only_be_assumed_for_the_stacks_schedule_group() {
    let template = template();
    let trust = &template["Resources"]["SchedulerRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        [0]["Condition"]["StringEquals"];
    assert_eq!(
        trust["aws:SourceArn"].as_str(),
        Some("MessageScheduleGroup.Arn")
    );
}

#[test]
fn the_link_signing_key_outlives_the_stack() {
    let template = template();
    let secret = &template["Resources"]["LinkSigningSecret"];
    assert_eq!(secret["DeletionPolicy"].as_str(), Some("Retain"));
    assert_eq!(secret["UpdateReplacePolicy"].as_str(), Some("Retain"));
}

/// Every schedule, up to two years ahead, stores the ARNs of the send queue, its role and the
/// dead-letter queue, and lives in the group: none of them may be replaced or deleted under
/// it. A fixed name makes CloudFormation refuse a change that would replace one (instead of
/// creating a new one and orphaning every schedule), Retain keeps them if the stack goes.
#[test]
fn what_pending_schedules_point_at_outlives_a_stack_update() {
    let template = template();
    for (resource, name_property) in [
        ("SendQueue", "QueueName"),
        ("SendDeadLetterQueue", "QueueName"),
        ("ScheduleDeadLetterQueue", "QueueName"),
        ("ScheduleDeadLetterQueuePolicy", ""),
        ("SchedulerRole", "RoleName"),
        ("MessageScheduleGroup", "Name"),
    ] {
        let r = &template["Resources"][resource];
        assert_eq!(r["DeletionPolicy"].as_str(), Some("Retain"), "{resource}");
        assert_eq!(
            r["UpdateReplacePolicy"].as_str(),
            Some("Retain"),
            "{resource}"
        );
        if !name_property.is_empty() {
            let name = r["Properties"][name_property].as_str().unwrap_or_default();
            assert!(
                name.starts_with("${AWS::StackName}-"),
                "{resource} has the fixed name {name:?}"
            );
        }
    }
    // A role with a name needs the deploy to acknowledge it.
    let samconfig =
        std::fs::read_to_string(workspace().join("samconfig.toml")).expect("samconfig.toml");
    assert!(samconfig.contains("CAPABILITY_NAMED_IAM"), "{samconfig}");
}

#[test]
fn the_schedulers_own_failures_are_alarmed_for_the_stacks_group() {
    let template = template();
    let scheduler_alarms: Vec<(String, String)> = of_type(&template, "AWS::CloudWatch::Alarm")
        .into_iter()
        .filter(|(_, a)| a["Properties"]["Namespace"].as_str() == Some("AWS/Scheduler"))
        .map(|(_, a)| {
            let dimension = &a["Properties"]["Dimensions"][0];
            (
                a["Properties"]["MetricName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                format!(
                    "{}={}",
                    dimension["Name"].as_str().unwrap_or_default(),
                    dimension["Value"].as_str().unwrap_or_default()
                ),
            )
        })
        .collect();
    for metric in [
        "InvocationDroppedCount",
        "InvocationsFailedToBeSentToDeadLetterCount",
        "TargetErrorCount",
        "InvocationThrottleCount",
    ] {
        assert!(
            scheduler_alarms.contains(&(
                metric.to_owned(),
                "ScheduleGroup=MessageScheduleGroup".to_owned()
            )),
            "no alarm on {metric} of the group: {scheduler_alarms:?}"
        );
    }
}

#[test]
fn every_function_has_reserved_concurrency() {
    for (name, function) in of_type(&template(), "AWS::Serverless::Function") {
        assert!(
            !function["Properties"]["ReservedConcurrentExecutions"].is_badvalue(),
            "{name} has no reserved concurrency"
        );
    }
}

#[test]
fn topics_use_a_key_that_cloudwatch_and_ses_may_use() {
    let template = template();
    let topics = of_type(&template, "AWS::SNS::Topic");
    assert!(!topics.is_empty());
    for (name, topic) in &topics {
        assert_ne!(
            topic["Properties"]["KmsMasterKeyId"].as_str(),
            Some("alias/aws/sns"),
            "{name}: CloudWatch and SES cannot use the AWS-managed SNS key"
        );
    }
    let keys = of_type(&template, "AWS::KMS::Key");
    assert_eq!(keys.len(), 1);
    let services: Vec<String> = keys[0].1["Properties"]["KeyPolicy"]["Statement"]
        .as_vec()
        .cloned()
        .unwrap_or_default()
        .iter()
        .flat_map(|s| strings(&s["Principal"]["Service"]))
        .collect();
    assert!(services.contains(&"cloudwatch.amazonaws.com".to_owned()));
    assert!(services.contains(&"ses.amazonaws.com".to_owned()));
}

#[test]
fn the_alarms_a_team_needs_exist() {
    let template = template();
    let alarms: Vec<(String, String)> = of_type(&template, "AWS::CloudWatch::Alarm")
        .into_iter()
        .map(|(_, a)| {
            (
                a["Properties"]["Namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                a["Properties"]["MetricName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert!(!alarms.is_empty());
    for wanted in [
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "DestinationDeliveryFailures"),
        ("AWS/ApiGateway", "5xx"),
        ("AWS/SES", "Reputation.BounceRate"),
        ("AWS/SES", "Reputation.ComplaintRate"),
    ] {
        assert!(
            alarms.contains(&(wanted.0.to_owned(), wanted.1.to_owned())),
            "no alarm on {wanted:?}"
        );
    }
}

#[test]
fn bounced_and_complaining_addresses_are_suppressed_by_ses() {
    let template = template();
    let set = &template["Resources"]["MailConfigurationSet"]["Properties"];
    let reasons = strings(&set["SuppressionOptions"]["SuppressedReasons"]);
    assert_eq!(reasons, vec!["BOUNCE".to_owned(), "COMPLAINT".to_owned()]);
}

#[test]
fn cors_preflight_never_reaches_the_jwt_authorizer() {
    let template = template();
    for (name, function) in of_type(&template, "AWS::Serverless::Function") {
        for (_, event) in function["Properties"]["Events"]
            .as_hash()
            .cloned()
            .unwrap_or_default()
        {
            let method = event["Properties"]["Method"].as_str().unwrap_or_default();
            assert!(
                !method.eq_ignore_ascii_case("ANY") && !method.eq_ignore_ascii_case("OPTIONS"),
                "{name}: method {method} sends the CORS preflight to the authorizer"
            );
        }
    }
}

#[test]
fn the_tenant_claim_cannot_be_left_empty_and_says_how_to_make_it_trustworthy() {
    let template = template();
    let claim = &template["Parameters"]["TenantClaim"];
    assert_eq!(claim["MinLength"].as_i64(), Some(1));
    let description = claim["Description"].as_str().unwrap_or_default();
    assert!(description.contains("WriteAttributes"), "{description}");
    assert!(
        description.contains("pre-token-generation"),
        "{description}"
    );
}

#[test]
fn only_the_links_and_the_contract_skip_the_authorizer_and_they_are_throttled_harder() {
    let template = template();
    let api = &template["Resources"]["HttpApi"]["Properties"];
    assert_eq!(
        api["Auth"]["DefaultAuthorizer"].as_str(),
        Some("BusinessJwt")
    );
    let mut public = Vec::new();
    for (name, function) in of_type(&template, "AWS::Serverless::Function") {
        for (_, event) in function["Properties"]["Events"]
            .as_hash()
            .cloned()
            .unwrap_or_default()
        {
            let props = &event["Properties"];
            if props["Auth"]["Authorizer"].as_str() == Some("NONE") {
                let path = props["Path"].as_str().unwrap_or_default().to_owned();
                assert!(
                    path.starts_with("/links/") || path == "/v1/openapi.json",
                    "{name}: {path} is public"
                );
                public.push(format!(
                    "{} {path}",
                    props["Method"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    public.sort();
    assert_eq!(
        public,
        vec![
            "GET /links/{proxy+}",
            "GET /v1/openapi.json",
            "POST /links/{proxy+}"
        ]
    );
    let default_rate = api["DefaultRouteSettings"]["ThrottlingRateLimit"]
        .as_i64()
        .unwrap();
    for route in &public {
        let rate = api["RouteSettings"][route.as_str()]["ThrottlingRateLimit"]
            .as_i64()
            .unwrap_or_else(|| panic!("{route} has its own throttling"));
        assert!(rate < default_rate, "{route}: {rate}");
    }
}

#[test]
fn a_browser_may_send_an_idempotency_key_and_read_whether_an_answer_was_replayed() {
    let template = template();
    let apis = of_type(&template, "AWS::Serverless::HttpApi");
    assert!(!apis.is_empty(), "the template has an HTTP API");
    // The integrators' API answers servers only: no browser may call it with a key.
    let (browsers, servers): (Vec<_>, Vec<_>) = apis
        .into_iter()
        .partition(|(name, _)| name.as_str() != "IntegratorApi");
    assert_eq!(servers.len(), 1, "the integrators' API is in the template");
    for (name, api) in servers {
        assert!(
            api["Properties"]["CorsConfiguration"].is_badvalue(),
            "{name} allows browsers"
        );
    }
    assert!(
        !browsers.is_empty(),
        "the businesses' API is in the template"
    );
    for (name, api) in browsers {
        let cors = &api["Properties"]["CorsConfiguration"];
        let allowed: Vec<String> = strings(&cors["AllowHeaders"])
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let exposed: Vec<String> = strings(&cors["ExposeHeaders"])
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        assert!(
            allowed.contains(&"idempotency-key".into()),
            "{name}: {allowed:?}"
        );
        for header in ["idempotent-replayed", "retry-after"] {
            assert!(exposed.contains(&header.into()), "{name}: {exposed:?}");
        }
    }
}
