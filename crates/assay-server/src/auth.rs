//! API tokens: random secrets shown once, stored as SHA-256 hashes, each with a role
//! (reader < writer < admin) and revocable. Every endpoint but `/healthz` and `/readyz` checks
//! one (from `Authorization: Bearer …`, or the dashboard's cookie).

use base64::Engine as _;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{now_ms, Store};

/// What a token may do. Each role includes the ones below it: `reader` reads monitors,
/// results, alerts, metrics and the dashboard; `writer` also sends rows, labels and profiles,
/// and closes windows; `admin` also creates and deletes monitors and tokens.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read monitors, results, alerts, metrics and the dashboard.
    Reader,
    /// Also send rows, labels and profiles, and close windows.
    Writer,
    /// Also create and delete monitors and tokens.
    Admin,
}

impl Role {
    /// Parses `admin`, `writer` or `reader`.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "reader" => Some(Role::Reader),
            "writer" => Some(Role::Writer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The role's name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Writer => "writer",
            Role::Admin => "admin",
        }
    }
}

/// A token as listed (never the secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Token)]
#[serde(deny_unknown_fields)]
pub struct TokenInfo {
    /// Token id (for revocation).
    pub id: i64,
    /// Free-text name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Creation time (ms since the epoch).
    pub created_ms: i64,
    /// Revocation time, if revoked.
    #[schema(required = true)]
    pub revoked_ms: Option<i64>,
}

/// A freshly made token: the secret is only ever available here.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// Token id.
    pub id: i64,
    /// Role.
    pub role: Role,
    /// The secret to send as `Authorization: Bearer …`: `assay_` and 256 random bits in
    /// unpadded URL-safe base64.
    #[schema(
        pattern = "^assay_[A-Za-z0-9_-]{43}$",
        example = "assay_Q1lWz2r8cK3vT0dN5fHx7bJm4gS9pA6yE1uR8oI2wLk"
    )]
    pub token: String,
}

/// The dashboard's sign-in cookie.
pub const COOKIE_NAME: &str = "assay_token";

/// The prefix of every token (recognisable in logs and secret scanners).
pub const TOKEN_PREFIX: &str = "assay_";

/// SHA-256 of a token, hex.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes a token with 256 random bits and stores its hash.
pub async fn create_token(store: &Store, name: &str, role: Role) -> Result<NewToken, sqlx::Error> {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    );
    let row: (i64,) = sqlx::query_as(
        "INSERT INTO tokens (name, role, hash, created_ms) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(hash_token(&token))
    .bind(now_ms())
    .fetch_one(store.pool())
    .await?;
    Ok(NewToken {
        id: row.0,
        role,
        token,
    })
}

/// The role of a valid, unrevoked token.
pub async fn role_of(store: &Store, token: &str) -> Result<Option<(i64, Role)>, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, role FROM tokens WHERE hash = $1 AND revoked_ms IS NULL")
            .bind(hash_token(token))
            .fetch_optional(store.pool())
            .await?;
    Ok(row.and_then(|(id, role)| Role::parse(&role).map(|r| (id, r))))
}

/// Every token, newest first.
pub async fn list_tokens(store: &Store) -> Result<Vec<TokenInfo>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, role, created_ms, revoked_ms FROM tokens ORDER BY id DESC",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, role, created_ms, revoked_ms)| {
            Role::parse(&role).map(|role| TokenInfo {
                id,
                name,
                role,
                created_ms,
                revoked_ms,
            })
        })
        .collect())
}

/// Revokes a token; false when there is no such (unrevoked) token.
pub async fn revoke_token(store: &Store, id: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE tokens SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(store.pool())
            .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Admin > Role::Writer && Role::Writer > Role::Reader);
        for r in [Role::Reader, Role::Writer, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        // echo -n abc | sha256sum
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
