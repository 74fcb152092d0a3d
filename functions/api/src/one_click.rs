//! Reads an RFC 8058 one-click unsubscribe request's body. The RFC has the mail provider post
//! `List-Unsubscribe=One-Click` "as a multipart/form-data or application/x-www-form-urlencoded"
//! form, so both are read as forms (field order, other fields and percent-encoding aside), not
//! compared to one string.

use axum::body::Bytes;
use std::convert::Infallible;

const FIELD: &str = "List-Unsubscribe";
const VALUE: &str = "One-Click";

/// Whether `body`, sent with `content_type`, is a form with `List-Unsubscribe=One-Click`.
pub async fn is_one_click(content_type: Option<&str>, body: Bytes) -> bool {
    let essence = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("multipart/form-data") => {
            let Some(boundary) = content_type.and_then(|c| multer::parse_boundary(c).ok()) else {
                return false;
            };
            multipart_has_field(body, boundary).await
        }
        // Some senders leave the type out; the form is then read as URL-encoded.
        None | Some("application/x-www-form-urlencoded") | Some("text/plain") => {
            form_urlencoded::parse(body.trim_ascii())
                .any(|(name, value)| name == FIELD && value == VALUE)
        }
        Some(_) => false,
    }
}

async fn multipart_has_field(body: Bytes, boundary: String) -> bool {
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() != Some(FIELD) {
            continue;
        }
        return field.text().await.is_ok_and(|value| value.trim() == VALUE);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTIPART: &str = "--b1\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b1--\r\n";

    #[tokio::test]
    async fn a_url_encoded_form_is_read_whatever_its_other_fields() {
        for body in [
            "List-Unsubscribe=One-Click",
            "List-Unsubscribe=One-Click\r\n",
            "x=1&List-Unsubscribe=One-Click",
            "List-Unsubscribe=One%2DClick",
        ] {
            let form = Some("application/x-www-form-urlencoded");
            assert!(is_one_click(form, Bytes::from(body)).await, "{body}");
        }
        assert!(is_one_click(None, Bytes::from("List-Unsubscribe=One-Click")).await);
    }

    #[tokio::test]
    async fn a_multipart_form_is_read_as_a_form() {
        let content_type = Some("multipart/form-data; boundary=b1");
        assert!(is_one_click(content_type, Bytes::from(MULTIPART)).await);
    }

    #[tokio::test]
    async fn anything_else_is_not_a_one_click_request() {
        let form = Some("application/x-www-form-urlencoded");
        for body in ["", "List-Unsubscribe=Yes", "One-Click", "List-Unsubscribe"] {
            assert!(!is_one_click(form, Bytes::from(body)).await, "{body}");
        }
        let no_boundary = Some("multipart/form-data");
        assert!(!is_one_click(no_boundary, Bytes::from(MULTIPART)).await);
        let other = MULTIPART.replace("One-Click", "Maybe");
        let multipart = Some("multipart/form-data; boundary=b1");
        assert!(!is_one_click(multipart, Bytes::from(other)).await);
        assert!(!is_one_click(Some("application/json"), Bytes::from("{}")).await);
    }
}
