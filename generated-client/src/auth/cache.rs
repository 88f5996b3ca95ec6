//! The token cache: one live token, renewed by one task while the others wait (field case C04).
//!
//! A PBX keeps one live token per client id: fetching a second one revokes the first, and
//! requests still carrying the first then fail with 401. So every client of the process that
//! talks to the same PBX as the same client id shares one [`TokenCache`], found in a registry
//! keyed by token URL and client id, and only one task at a time asks for a new token.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, LazyLock, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use super::BearerToken;
use super::expiry::refresh_margin;
use crate::error::{Error, Result};

/// A token as the token endpoint issued it.
pub(crate) struct Issued {
    /// The access token.
    pub(crate) token: BearerToken,
    /// How long it lives, counted from `requested_at`.
    pub(crate) lifetime: Duration,
    /// When the request for it was sent; the lifetime is counted from here, to be safe.
    pub(crate) requested_at: Instant,
}

/// A cached token and when to stop using it.
struct Cached {
    token: BearerToken,
    /// From here on the token is renewed before it is used again.
    renew_at: Instant,
}

/// What the cache knows, behind a plain mutex that is never held across an await.
#[derive(Default)]
struct State {
    token: Option<Cached>,
    /// Counts finished token requests, so a waiting task can tell that one ended meanwhile.
    fetches: u64,
    /// The error of the last token request when it failed, shared with the tasks that waited.
    failure: Option<Error>,
}

/// One token shared by every task and client that authenticates as the same client id.
#[derive(Default)]
pub(crate) struct TokenCache {
    state: Mutex<State>,
    /// Held by the one task that requests a token; the others queue on it.
    fetching: tokio::sync::Mutex<()>,
}

impl TokenCache {
    /// The cache for `client_id` at `token_url`, shared with every other client of this
    /// process that uses the same pair.
    pub(crate) fn shared(token_url: &str, client_id: &str) -> Arc<TokenCache> {
        /// Weak, so that a cache goes away with the last client that uses it.
        type Registry = HashMap<(String, String), Weak<TokenCache>>;
        static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

        let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (token_url.to_owned(), client_id.to_owned());
        if let Some(cache) = registry.get(&key).and_then(Weak::upgrade) {
            return cache;
        }

        registry.retain(|_, cache| cache.strong_count() > 0);
        let cache = Arc::new(TokenCache::default());
        registry.insert(key, Arc::downgrade(&cache));
        cache
    }

    /// The cached token, or a new one from `fetch` when there is none that can be used.
    ///
    /// A token equal to `rejected`, which the PBX has just refused, is never returned. When
    /// several tasks need a new token at once, one runs `fetch` and the others get its result.
    pub(crate) async fn get<F, Fut>(
        &self,
        rejected: Option<&BearerToken>,
        fetch: F,
    ) -> Result<BearerToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Issued>>,
    {
        let seen = {
            let state = self.lock();
            if let Some(token) = state.usable(rejected, Instant::now()) {
                return Ok(token);
            }
            state.fetches
        };

        let _fetching = self.fetching.lock().await;

        {
            let state = self.lock();

            // A request that ended while this task waited answers for it too: its token even
            // when already due for renewal, so that a short-lived token is fetched once and
            // not once per waiting task, or its error, so that a refused secret is sent once.
            if state.fetches != seen {
                match (&state.token, &state.failure) {
                    (Some(cached), None) if Some(&cached.token) != rejected => {
                        return Ok(cached.token.clone());
                    }
                    (_, Some(failure)) => {
                        if let Some(failure) = failure.duplicate_token_error() {
                            return Err(failure);
                        }
                    }
                    _ => {}
                }
            }
            if let Some(token) = state.usable(rejected, Instant::now()) {
                return Ok(token);
            }
        }

        let result = fetch().await;

        let mut state = self.lock();
        state.fetches += 1;
        match result {
            Ok(issued) => {
                let renew_at =
                    issued.requested_at + issued.lifetime - refresh_margin(issued.lifetime);
                state.token = Some(Cached {
                    token: issued.token.clone(),
                    renew_at,
                });
                state.failure = None;
                Ok(issued.token)
            }
            Err(error) => {
                state.token = None;
                state.failure = error.duplicate_token_error();
                Err(error)
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere cannot leave
        // it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// The cached token when it is not `rejected` and not yet due for renewal at `now`.
    fn usable(&self, rejected: Option<&BearerToken>, now: Instant) -> Option<BearerToken> {
        let cached = self.token.as_ref()?;
        let fresh = now < cached.renew_at && Some(&cached.token) != rejected;
        fresh.then(|| cached.token.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn issued(token: &str, lifetime: Duration) -> Issued {
        Issued {
            token: BearerToken::new(token),
            lifetime,
            requested_at: Instant::now(),
        }
    }

    #[tokio::test]
    async fn reuses_a_fresh_token() {
        let cache = TokenCache::default();
        let fetches = AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Ok(issued("a", Duration::from_secs(3600)))
        };

        let first = cache.get(None, fetch).await.unwrap();
        let second = cache.get(None, fetch).await.unwrap();

        assert_eq!(first.secret(), "a");
        assert_eq!(second.secret(), "a");
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn renews_a_token_inside_its_margin() {
        let cache = TokenCache::default();

        // Requested 50 of its 60 seconds ago: alive for 10 more, but inside the 15-second margin.
        let old = Issued {
            requested_at: Instant::now() - Duration::from_secs(50),
            ..issued("old", Duration::from_secs(60))
        };
        cache.get(None, || async { Ok(old) }).await.unwrap();

        let token = cache
            .get(None, || async {
                Ok(issued("new", Duration::from_secs(60)))
            })
            .await
            .unwrap();

        assert_eq!(token.secret(), "new");
    }

    #[tokio::test]
    async fn never_returns_the_rejected_token() {
        let cache = TokenCache::default();
        let first = cache
            .get(None, || async {
                Ok(issued("a", Duration::from_secs(3600)))
            })
            .await
            .unwrap();

        let second = cache
            .get(Some(&first), || async {
                Ok(issued("b", Duration::from_secs(3600)))
            })
            .await
            .unwrap();

        assert_eq!(second.secret(), "b");
    }

    #[tokio::test]
    async fn shares_a_failure_with_the_tasks_that_waited() {
        let cache = Arc::new(TokenCache::default());
        let fetches = Arc::new(AtomicUsize::new(0));

        // Hold the fetch lock so that every task queues before the one request runs.
        let gate = cache.fetching.lock().await;
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let cache = Arc::clone(&cache);
                let fetches = Arc::clone(&fetches);
                tokio::spawn(async move {
                    cache
                        .get(None, || async move {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            Err(Error::Token {
                                status: None,
                                reason: "refused".to_owned(),
                                body: String::new(),
                                source: None,
                            })
                        })
                        .await
                })
            })
            .collect();
        tokio::task::yield_now().await;
        drop(gate);

        for task in tasks {
            assert!(matches!(task.await.unwrap(), Err(Error::Token { .. })));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn shares_one_cache_per_token_url_and_client_id() {
        let a = TokenCache::shared("https://pbx.example.com/connect/token", "cache-test");
        let b = TokenCache::shared("https://pbx.example.com/connect/token", "cache-test");
        let other = TokenCache::shared("https://pbx.example.com/connect/token", "cache-test-2");

        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &other));
    }
}
