//! An `UpdateItem` whose condition names what it applies to (the version listed, an entry
//! with its copy, an item still there): its condition not holding means there is nothing to
//! do — a later write stated its own, or the item is gone — not a failure.

use crate::sdk_error::describe;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;

/// `Ok` when the update was made or its condition did not hold; the SDK's description of any
/// other failure.
pub fn done_unless_failed<O, R>(
    result: Result<O, SdkError<UpdateItemError, R>>,
) -> Result<(), String>
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(error)
            if matches!(
                error.as_service_error(),
                Some(UpdateItemError::ConditionalCheckFailedException(_))
            ) =>
        {
            Ok(())
        }
        Err(error) => Err(describe(&error)),
    }
}
