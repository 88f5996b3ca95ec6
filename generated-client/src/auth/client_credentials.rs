//! Service principals: tokens from the client credentials grant.

use std::fmt;
use std::sync::Arc;

use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, TokenUrl};

use super::cache::TokenCache;
use super::{BearerToken, Redacted, TokenEndpoint, TokenFuture, TokenSource};
use crate::error::Result;

/// Fetches tokens with a client id and secret, from
/// [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials).
pub(crate) struct ClientCredentials {
    endpoint: TokenEndpoint,
    client_id: String,
    client_secret: String,
    /// Shared with every client of the process for the same PBX and client id.
    cache: Arc<TokenCache>,
}

impl ClientCredentials {
    /// A source for `client_id` at `endpoint`, joining the process-wide cache of that pair.
    pub(crate) fn new(endpoint: TokenEndpoint, client_id: String, client_secret: String) -> Self {
        let cache = TokenCache::shared(endpoint.url().as_str(), &client_id);
        ClientCredentials {
            endpoint,
            client_id,
            client_secret,
            cache,
        }
    }

    /// Asks the token endpoint for a new token.
    async fn fetch(&self) -> Result<super::cache::Issued> {
        // The PBX expects the id and secret as form fields, not in a Basic header.
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.clone()))
            .set_token_uri(TokenUrl::from_url(self.endpoint.url().clone()))
            .set_auth_type(AuthType::RequestBody);

        let sender = self.endpoint.sender();
        let response = client.exchange_client_credentials().request_async(&sender);
        let granted = self.endpoint.grant("client_credentials", response).await?;
        Ok(granted.issued)
    }
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> TokenFuture<'_, BearerToken> {
        Box::pin(self.cache.get(None, || self.fetch()))
    }

    fn refresh<'a>(&'a self, rejected: &'a BearerToken) -> TokenFuture<'a, Option<BearerToken>> {
        Box::pin(async move {
            self.cache
                .get(Some(rejected), || self.fetch())
                .await
                .map(Some)
        })
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.endpoint.url().as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted)
            .finish()
    }
}
