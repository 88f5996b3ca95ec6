//! Collections: one page of a collection response, and a stream over all its items.
//!
//! [`Client::paginate`] follows `@odata.nextLink` when the server sends one and otherwise pages
//! with `$top` and `$skip` until a short page. The paging itself works on raw JSON and is not
//! generic; only the decoding of each item depends on the item type.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use url::Url;

use crate::client::{ACCEPT_JSON, Call, Client, Method, decode_json, render_url};
use crate::error::{Error, Result};
use crate::odata::Paged;

/// The number of items per request when the query sets no page size.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// One page of an OData collection response.
///
/// The PBX wraps collections as `{"@odata.context": "...", "@odata.count": 42, "value": [...]}`;
/// `@odata.count` is present when `$count=true` was asked for, and `@odata.nextLink` when the
/// server pages by itself. Other fields are ignored.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    #[serde(rename = "value", default = "Vec::new")]
    pub items: Vec<T>,
    /// The number of items in the whole collection, when `$count=true` was asked for.
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// The URL of the next page, when the server pages by itself.
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// The `@odata.context` URL that describes the payload.
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            items: Vec::new(),
            count: None,
            next_link: None,
            context: None,
        }
    }
}

impl Client {
    /// Streams every item of a collection, fetching pages as they are needed.
    ///
    /// `path` is the collection's path below `/xapi/v1`, rendered and encoded like
    /// [`Request::new`](crate::Request::new) expects, and `query` the caller's options. The
    /// stream sends `GET path` with `query` and then:
    ///
    /// - follows `@odata.nextLink` while the server sends one (absolute on the same origin, or
    ///   relative to the page it came in), with the same headers;
    /// - otherwise asks for pages of [`page_size`](crate::ListQuery::page_size) items (default
    ///   [`DEFAULT_PAGE_SIZE`]) with `$top` and `$skip`, starting at the caller's `$skip`, until
    ///   a page comes back shorter than asked for;
    /// - treats the caller's `$top` as the most items to return in total.
    ///
    /// Pass `$orderby` when paging with `$top`/`$skip`, so that the pages do not overlap.
    ///
    /// The stream ends after its first error. [`Error::Paging`] reports a `@odata.nextLink` on
    /// another origin or one that was already followed, and a stream that reached
    /// [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages). A decode failure names
    /// the item, like `value[3].Id`.
    ///
    /// The stream owns a clone of the client, so it borrows neither the client nor the query.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// use xapi_client::{Client, ListQuery};
    ///
    /// # async fn run(client: Client) -> xapi_client::Result<()> {
    /// let query = ListQuery::default().orderby(["Id"]).page_size(50);
    /// let users: Vec<serde_json::Value> = client.paginate("ListUser", "/Users".into(), &query)
    ///     .try_collect()
    ///     .await?;
    /// # let _ = users;
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate<T: DeserializeOwned>(
        &self,
        operation_id: &'static str,
        path: String,
        query: &dyn Paged,
    ) -> ItemStream<T> {
        ItemStream {
            operation_id,
            items: stream_raw_items(self.clone(), operation_id, path, query),
            item: PhantomData,
        }
    }
}

/// A stream of every item of a collection, made by [`Client::paginate`].
///
/// Use it with `futures_util::StreamExt` or `TryStreamExt`. It is `Send`, `Unpin` and
/// `'static`, so it can be moved into a spawned task.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    operation_id: &'static str,
    items: BoxStream<'static, Result<RawItem>>,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("operation_id", &self.operation_id)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Stream for ItemStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let operation_id = self.operation_id;
        self.items
            .poll_next_unpin(cx)
            .map(|item| item.map(|item| item.and_then(|raw| raw.decode(operation_id))))
    }
}

/// One undecoded item and its index in the `value` array of its page.
struct RawItem {
    index: usize,
    value: Box<RawValue>,
}

impl RawItem {
    /// Decodes the item, naming it in the JSON path of a failure.
    fn decode<T: DeserializeOwned>(self, operation_id: &'static str) -> Result<T> {
        decode_json(operation_id, self.value.get().as_bytes())
            .map_err(|error| prefix_decode_path(error, self.index))
    }
}

/// Puts `value[index]` in front of the path of a decode error.
fn prefix_decode_path(error: Error, index: usize) -> Error {
    match error {
        Error::Decode {
            operation_id,
            path,
            source,
        } => {
            let path = if path == "." {
                format!("value[{index}]")
            } else {
                format!("value[{index}].{path}")
            };
            Error::Decode {
                operation_id,
                path,
                source,
            }
        }
        other => other,
    }
}

/// The part of a collection page that paging needs; items stay raw JSON.
#[derive(Deserialize)]
struct RawPage {
    #[serde(rename = "value", default)]
    items: Vec<Box<RawValue>>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

/// Builds the untyped item stream behind [`ItemStream`].
fn stream_raw_items(
    client: Client,
    operation_id: &'static str,
    path: String,
    query: &dyn Paged,
) -> BoxStream<'static, Result<RawItem>> {
    let paging = query.paging();
    let mut options = Vec::new();
    query.append_to(&mut options);

    // The pager writes `$top` and `$skip` itself, for every page.
    options.retain(|(key, _)| !matches!(*key, "$top" | "$skip"));

    let pager = Pager {
        max_pages: client.max_pages(),
        client,
        operation_id,
        path,
        options,
        remaining: paging.top,
        skip: paging.skip.unwrap_or(0),
        page_size: paging.page_size.unwrap_or(DEFAULT_PAGE_SIZE).max(1),
        pages: 0,
        next: Next::Offset,
        followed: HashSet::new(),
        buffer: Vec::new().into_iter().enumerate(),
    };

    stream::unfold(pager, |mut pager| async move {
        let item = pager.next_item().await?;
        Some((item, pager))
    })
    .boxed()
}

/// What the pager fetches next.
enum Next {
    /// The page at `$skip`, with `$top` set to the page size.
    Offset,
    /// A `@odata.nextLink` the server sent.
    Link(Url),
    /// An error to report once the current page is used up.
    Fail(Error),
    /// Nothing: the collection is exhausted or the stream has failed.
    Done,
}

/// The state of one paging stream.
struct Pager {
    client: Client,
    operation_id: &'static str,
    /// The collection path, encoded.
    path: String,
    /// The caller's query options without `$top` and `$skip`.
    options: Vec<(&'static str, String)>,
    /// How many more items the caller's `$top` allows.
    remaining: Option<u64>,
    /// The `$skip` of the next offset page.
    skip: u64,
    page_size: u64,
    /// Requests sent so far.
    pages: u64,
    max_pages: u64,
    next: Next,
    /// Every `@odata.nextLink` received, to notice a server that goes round in circles.
    followed: HashSet<Url>,
    /// The unreturned items of the current page, with their indices.
    buffer: std::iter::Enumerate<std::vec::IntoIter<Box<RawValue>>>,
}

impl Pager {
    /// Returns the next item, fetching pages as needed, or `None` at the end.
    async fn next_item(&mut self) -> Option<Result<RawItem>> {
        loop {
            if let Some((index, value)) = self.buffer.next() {
                return Some(Ok(RawItem { index, value }));
            }

            match std::mem::replace(&mut self.next, Next::Done) {
                Next::Done => return None,
                Next::Fail(error) => return Some(Err(error)),
                Next::Offset => {
                    if let Err(error) = self.fetch_offset().await {
                        return Some(Err(error));
                    }
                }
                Next::Link(url) => {
                    if let Err(error) = self.fetch_link(url).await {
                        return Some(Err(error));
                    }
                }
            }
        }
    }

    /// Fetches the page at `$skip` and decides what comes after it.
    async fn fetch_offset(&mut self) -> Result<()> {
        let top = self
            .remaining
            .map_or(self.page_size, |n| n.min(self.page_size));
        if top == 0 {
            return Ok(());
        }

        let mut query = Vec::with_capacity(self.options.len() + 2);
        query.push(("$top", top.to_string()));
        query.push(("$skip", self.skip.to_string()));
        query.extend(self.options.iter().cloned());
        let url = render_url(self.client.base(), &self.path, &query);

        let page = self.fetch(url.clone()).await?;
        let received = page.items.len() as u64;
        self.take_items(page.items);

        self.next = match page.next_link {
            Some(link) => self.follow(&url, &link),

            // A page shorter than asked for is the last one. A longer one means the server
            // ignored `$top`, and so most likely `$skip` too, and sent everything.
            None if received == top => {
                self.skip += top;
                Next::Offset
            }
            None => Next::Done,
        };
        Ok(())
    }

    /// Fetches a page the server linked to and decides what comes after it.
    async fn fetch_link(&mut self, url: Url) -> Result<()> {
        let page = self.fetch(url.clone()).await?;
        self.take_items(page.items);

        // Once the server pages by itself, a page without a next link is the last one.
        self.next = match page.next_link {
            Some(link) => self.follow(&url, &link),
            None => Next::Done,
        };
        Ok(())
    }

    /// Sends one page request, counting it against the page limit.
    async fn fetch(&mut self, url: Url) -> Result<RawPage> {
        if self.pages >= self.max_pages {
            return Err(self.paging_error(format!(
                "stopped after {} pages without reaching the end",
                self.max_pages
            )));
        }
        self.pages += 1;

        let call = Call {
            method: Method::Get,
            operation_id: self.operation_id,
            url,
            accept: ACCEPT_JSON,
            if_match: None,
            body: None,
        };
        let response = self.client.send_call(call).await?;
        let body = response.bytes().await.map_err(Error::Request)?;
        decode_json(self.operation_id, &body)
    }

    /// Keeps the items the caller's `$top` still allows.
    fn take_items(&mut self, mut items: Vec<Box<RawValue>>) {
        if let Some(remaining) = &mut self.remaining {
            let allowed = usize::try_from(*remaining).unwrap_or(usize::MAX);
            items.truncate(allowed);
            *remaining -= items.len() as u64;
        }
        self.buffer = items.into_iter().enumerate();
    }

    /// Decides whether to follow `link`, which came in the page at `page_url`.
    fn follow(&mut self, page_url: &Url, link: &str) -> Next {
        if self.remaining == Some(0) {
            return Next::Done;
        }

        let url = match page_url.join(link) {
            Ok(url) => url,
            Err(error) => {
                return Next::Fail(
                    self.paging_error(format!("cannot resolve @odata.nextLink {link:?}: {error}")),
                );
            }
        };

        // NB: the link is sent with the bearer token, so it must not lead anywhere else.
        if url.origin() != self.client.base().origin() {
            return Next::Fail(self.paging_error(format!(
                "@odata.nextLink {link:?} points to another origin than {}",
                self.client.base()
            )));
        }
        if !self.followed.insert(url.clone()) {
            return Next::Fail(
                self.paging_error(format!("@odata.nextLink {link:?} was already followed")),
            );
        }

        Next::Link(url)
    }

    /// Builds an [`Error::Paging`] for this stream.
    fn paging_error(&self, reason: String) -> Error {
        Error::Paging {
            operation_id: self.operation_id,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct User {
        #[serde(rename = "Id")]
        id: i32,
    }

    #[test]
    fn reads_a_page_with_annotations() {
        let body = concat!(
            r#"{"@odata.context":"https://pbx.example.net/xapi/v1/$metadata#Users","#,
            r#""@odata.count":3,"value":[{"Id":1,"Extra":true},{"Id":2}],"#,
            r#""@odata.nextLink":"https://pbx.example.net/xapi/v1/Users?$skip=2","Other":0}"#
        );

        let page: Page<User> = serde_json::from_str(body).unwrap();

        assert_eq!(
            page,
            Page {
                items: vec![User { id: 1 }, User { id: 2 }],
                count: Some(3),
                next_link: Some("https://pbx.example.net/xapi/v1/Users?$skip=2".to_owned()),
                context: Some("https://pbx.example.net/xapi/v1/$metadata#Users".to_owned()),
            }
        );
    }

    #[test]
    fn reads_a_bare_page() {
        let page: Page<User> = serde_json::from_str(r#"{"value":[]}"#).unwrap();
        let empty: Page<User> = serde_json::from_str("{}").unwrap();

        assert_eq!(page, Page::default());
        assert_eq!(empty, Page::default());
    }

    #[test]
    fn writes_only_present_annotations() {
        let page = Page {
            items: vec![User { id: 1 }],
            count: Some(1),
            ..Page::default()
        };

        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            r#"{"value":[{"Id":1}],"@odata.count":1}"#
        );
    }

    #[test]
    fn names_the_item_in_decode_paths() {
        let item = RawItem {
            index: 3,
            value: RawValue::from_string(r#"{"Id":"x"}"#.to_owned()).unwrap(),
        };
        let error = item.decode::<User>("ListUser").unwrap_err();
        assert!(
            matches!(error, Error::Decode { operation_id: "ListUser", ref path, .. } if path == "value[3].Id"),
            "{error:?}"
        );

        let item = RawItem {
            index: 0,
            value: RawValue::from_string("1".to_owned()).unwrap(),
        };
        let error = item.decode::<User>("ListUser").unwrap_err();
        assert!(
            matches!(error, Error::Decode { ref path, .. } if path == "value[0]"),
            "{error:?}"
        );
    }
}
