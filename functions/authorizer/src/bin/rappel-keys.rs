//! `rappel-keys`: the operator's tool over integrators' API keys on a deployment (its
//! deliveries table; AWS credentials and region from the environment, as the AWS CLI).
//! `rappel-keys --help` lists the commands.

use rappel_authorizer::admin::{USAGE, run, table_and_command};
use rappel_aws::{sdk, wiring};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let table = std::env::var(rappel_aws::env::DELIVERIES_TABLE).ok();
    let Some((table, command)) = table_and_command(&args, table) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let store = wiring::credentials_in(&sdk::load().await, &table);
    match run(&command, &store, chrono::Utc::now()).await {
        Ok(output) => print!("{output}"),
        Err(error) => {
            eprintln!("rappel-keys: {error}");
            std::process::exit(1);
        }
    }
}
