//! `rappel-keys`: the operator's tool over integrators' API keys on a deployment (its
//! deliveries table; AWS credentials and region from the environment, as the AWS CLI).
//! `rappel-keys --help` lists the commands.

use rappel_authorizer::admin::{AdminError, USAGE, run, suspension_command, table_and_command};
use rappel_aws::{sdk, wiring};
use rappel_core::model::TenantId;
use rappel_ports::records::RecordStore;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let table = std::env::var(rappel_aws::env::DELIVERIES_TABLE).ok();
    let Some((table, command)) = table_and_command(&args, table) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let sdk = sdk::load().await;
    if let Some(suspension) = suspension_command(&command) {
        let Ok(records_table) = std::env::var(rappel_aws::env::RECORDS_TABLE) else {
            eprintln!("rappel-keys: suspend and resume need $RAPPEL_RECORDS_TABLE");
            std::process::exit(2);
        };
        let records = wiring::records_in(&sdk, &records_table);
        std::process::exit(suspend_or_resume(&records, suspension).await);
    }
    let store = wiring::credentials_in(&sdk, &table);
    match run(&command, &store, chrono::Utc::now()).await {
        Ok(output) => print!("{output}"),
        Err(error) => {
            eprintln!("rappel-keys: {error}");
            std::process::exit(1);
        }
    }
}

/// The kill switch on the deployment's records; the exit code.
async fn suspend_or_resume(
    records: &dyn RecordStore,
    command: Result<(TenantId, Option<String>), AdminError>,
) -> i32 {
    let (business, reason) = match command {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("rappel-keys: {error}");
            return 2;
        }
    };
    let suspending = reason.is_some();
    match rappel_app::commands::settings::set_suspension(
        records,
        &business,
        reason,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(_) if suspending => {
            println!(
                "{business}: suspended; nothing of it is sent until `rappel-keys resume {business}`"
            );
            0
        }
        Ok(_) => {
            println!("{business}: resumed");
            0
        }
        Err(error) => {
            eprintln!("rappel-keys: {error}");
            1
        }
    }
}
