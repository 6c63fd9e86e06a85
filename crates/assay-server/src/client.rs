//! A client of the service's API, for the processes that talk to a running `assay serve`
//! (`assay push`, `assay monitor create`): bearer-token requests, errors that name the URL and
//! carry the service's own message.

use serde_json::Value;

use crate::dashboard::encode_segment;

/// Why a request to the service failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No token was given.
    #[error(
        "give an API token with --token or ASSAY_TOKEN (make one with `assay token create --role writer`)"
    )]
    NoToken,
    /// The service could not be reached.
    #[error("cannot reach {url}: {message}")]
    Unreachable {
        /// The URL requested.
        url: String,
        /// What the HTTP client said.
        message: String,
    },
    /// The service answered with an error status.
    #[error("{url}: HTTP {status}: {message}")]
    Refused {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The service's `error` field, else the body.
        message: String,
    },
}

/// The service at `base` (e.g. `http://127.0.0.1:8080`), authenticated by `token`.
#[derive(Debug, Clone)]
pub struct ServiceClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl ServiceClient {
    /// A client of the service at `base`; requests fail with [`ClientError::NoToken`] until a
    /// token is given.
    pub fn new(base: &str, token: Option<String>) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            token,
            http: reqwest::Client::new(),
        }
    }

    /// Sends a profile (its JSON) to monitor `monitor`, at event time `time` when given.
    pub async fn push_profile(
        &self,
        monitor: &str,
        profile_json: Vec<u8>,
        time: Option<&str>,
    ) -> Result<Value, ClientError> {
        let mut path = format!("/api/v1/monitors/{}/profiles", encode_segment(monitor));
        if let Some(t) = time {
            path.push_str(&format!("?time={}", encode_segment(t)));
        }
        self.post_json(&path, profile_json).await
    }

    /// Creates a monitor from its JSON description.
    pub async fn create_monitor(&self, body: &Value) -> Result<Value, ClientError> {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.post_json("/api/v1/monitors", bytes).await
    }

    async fn post_json(&self, path: &str, body: Vec<u8>) -> Result<Value, ClientError> {
        let token = self.token.as_ref().ok_or(ClientError::NoToken)?;
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .post(&url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| ClientError::Unreachable {
                url: url.clone(),
                message: e.to_string(),
            })?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
        if !status.is_success() {
            let message = value["error"].as_str().map(str::to_string).unwrap_or(text);
            return Err(ClientError::Refused {
                url,
                status: status.as_u16(),
                message,
            });
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_token_and_unreachable_service_are_clear_errors() {
        let client = ServiceClient::new("http://127.0.0.1:9/", None);
        let err = client
            .push_profile("m", Vec::new(), None)
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::NoToken));
        let client = ServiceClient::new("http://127.0.0.1:9/", Some("t".into()));
        let err = client
            .push_profile("a b/c", Vec::new(), None)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("cannot reach http://127.0.0.1:9/api/v1/monitors/a%20b%2Fc/profiles"),
            "{text}"
        );
    }
}
