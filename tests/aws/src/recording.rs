//! The emulator's request log (moto's recorder, `infra/emulator.sh`): what the SDK really
//! sent, which moto does not keep with the message (SMS attributes, SES tags), and the calls
//! `infra/count-aws-calls.sh` counts.

use serde_json::Value;

/// How many requests the emulator has recorded so far: a mark to measure from.
pub fn recording_mark() -> usize {
    recorded_requests().len()
}

/// For `infra/count-aws-calls.sh`: when `RAPPEL_MEASURE_DIR` is set, writes the requests
/// recorded since `mark` to `<dir>/<name>.jsonl` (one measured step, e.g. one digest firing),
/// one per line.
pub fn save_recording_since(mark: usize, name: &str) {
    let Ok(dir) = std::env::var("RAPPEL_MEASURE_DIR") else {
        return;
    };
    let lines: Vec<String> = recorded_requests()
        .iter()
        .skip(mark)
        .map(Value::to_string)
        .collect();
    std::fs::write(format!("{dir}/{name}.jsonl"), lines.join("\n"))
        .expect("the measure dir is writable");
}

/// Every request the emulator received so far.
pub(crate) fn recorded_requests() -> Vec<Value> {
    let path = std::env::var("RAPPEL_EMULATOR_RECORDING")
        .expect("RAPPEL_EMULATOR_RECORDING is set by infra/emulator.sh");
    let log = std::fs::read_to_string(path).expect("the emulator's request log");
    recorded_documents(&log)
}

/// The requests of a recorder log. moto's threads append to it concurrently, and a large
/// request (an e-mail with its calendar file) is written in two parts — its document, then
/// its newline — so another request can land between them and two documents share a line.
/// Each line is therefore read as a stream of documents; a document cut short (still being
/// written at the end of the log) is left out with the rest of its line.
pub fn recorded_documents(log: &str) -> Vec<Value> {
    log.lines()
        .flat_map(|line| {
            serde_json::Deserializer::from_str(line)
                .into_iter::<Value>()
                .map_while(Result::ok)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::recorded_documents;
    use serde_json::json;

    #[test]
    fn two_requests_written_into_one_line_are_both_read() {
        let log = concat!(
            r#"{"url": "/a"}"#,
            "\n",
            r#"{"url": "/v2/email/outbound-emails"}{"url": "/sns"}"#,
            "\n\n",
            r#"{"url": "/b"}"#,
            "\n",
        );
        let urls: Vec<_> = recorded_documents(log)
            .into_iter()
            .map(|d| d["url"].clone())
            .collect();
        assert_eq!(
            urls,
            [
                json!("/a"),
                json!("/v2/email/outbound-emails"),
                json!("/sns"),
                json!("/b")
            ]
        );
    }

    #[test]
    fn a_request_still_being_written_is_left_out() {
        let log = "{\"url\": \"/a\"}\n{\"url\": \"/b\", \"bo";
        assert_eq!(recorded_documents(log).len(), 1);
    }
}
