//! Creates one deployment's resources on an emulator and prints the environment its functions
//! need, as shell exports:
//!
//! ```bash
//! eval "$(cargo run -q -p rappel-aws-tests --bin provision -- "$RAPPEL_EMULATOR_URL" demo)"
//! ```

use rappel_aws_tests::provision::Resources;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(endpoint), Some(prefix)) = (args.next(), args.next()) else {
        return Err("usage: provision <emulator URL> <name prefix>".into());
    };
    let mut resources = Resources::named(&prefix);
    let sdk = rappel_aws::sdk::load_for_emulator(&endpoint).await;
    let key: Vec<u8> = (0..48).map(|i| b'a' + (i % 26)).collect();
    resources.create(&sdk, &key, true).await?;
    for (name, value) in resources.env().pairs() {
        println!("export {name}='{value}'");
    }
    println!(
        "export AWS_ENDPOINT_URL='{endpoint}' AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator"
    );
    Ok(())
}
