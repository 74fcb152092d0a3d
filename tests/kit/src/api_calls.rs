//! Calling the HTTP API the same way whatever carries the request: plain HTTP to the local
//! stack ([`crate::TestApp`]) or API Gateway events to the Lambda function
//! (`rappel_aws_tests::aws::AwsApp`).

use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

#[allow(async_fn_in_trait)] // test helpers, never used across threads as a trait object
pub trait CallsApi {
    /// One request as the app's own tenant.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Response;

    async fn get(&self, path: &str) -> Response {
        self.call("GET", path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Response {
        self.call("POST", path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> Response {
        self.call("PUT", path, Some(body)).await
    }
    async fn patch(&self, path: &str, body: Value) -> Response {
        self.call("PATCH", path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> Response {
        self.call("DELETE", path, None).await
    }

    /// A client's communications read `limit` at a time, following `next_cursor` to the end;
    /// also the number of pages it took.
    async fn communications_by_pages(&self, client: &str, limit: usize) -> (Vec<Value>, usize) {
        let (mut all, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/clients/{client}/communications?limit={limit}&cursor={c}"),
                None => format!("/v1/clients/{client}/communications?limit={limit}"),
            };
            let page = self.get(&path).await;
            assert_eq!(page.status, 200, "{}", page.body);
            pages += 1;
            let entries = page.body["communications"].as_array().cloned();
            all.extend(entries.unwrap_or_default());
            match page.body["next_cursor"].as_str() {
                Some(next) if pages < 1000 => cursor = Some(next.to_owned()),
                _ => return (all, pages),
            }
        }
    }

    /// The salon's catalogue: one type ("Coupe") and one staff member (Sam).
    async fn seed_catalog(&self) {
        let cut = self
            .put("/v1/appointment-types/cut", json!({"name": "Coupe"}))
            .await;
        assert_eq!(cut.status, 200, "{}", cut.body);
        let sam = self
            .put(
                "/v1/staff/sam",
                json!({"name": "Sam", "email": "sam@salon-lea.fr"}),
            )
            .await;
        assert_eq!(sam.status, 200, "{}", sam.body);
    }

    /// Books `client` online with Sam for a "Coupe"; returns the created appointment.
    async fn book(&self, client: &str, start: &str, end: &str) -> Value {
        let booked = self
            .post("/v1/appointments", json!({"client_id": client, "staff_id": "sam", "type_id": "cut", "start": start, "end": end}))
            .await;
        assert_eq!(booked.status, 201, "{}", booked.body);
        booked.body
    }
}
