//! The committed client covers the pinned spec: a method for every operation and a type for
//! every schema, under the names the generator's naming rules promise.

use xapi_workspace_tests::{
    check_coverage, count_methods, read_committed_client, read_pinned_spec, summarize_spec,
};

#[test]
fn every_operation_and_schema_of_the_pinned_spec_is_in_the_committed_client() {
    let (pin, text) = read_pinned_spec();
    let summary = summarize_spec(&text);
    let files = read_committed_client();

    let coverage = check_coverage(&files, &summary);
    assert!(
        coverage.problems.is_empty(),
        "the committed client misses {} item(s) of {} (3CX {}); if the spec is right, run \
         `cargo xtask generate`:\n{}",
        coverage.problems.len(),
        pin.file,
        pin.version,
        coverage.problems.join("\n")
    );

    // NB: these totals are those of the pinned 20.0.10 spec and change with every spec bump.
    assert_eq!(
        pin.version, "20.0.10",
        "update the totals below for the new pin"
    );
    assert_eq!(summary.operation_count(), 601);
    assert_eq!(coverage.methods_found, 601);
    assert_eq!(
        count_methods(&files),
        601,
        "methods returning a future under api/"
    );
    assert_eq!(summary.schema_names.len(), 597);
    assert_eq!(coverage.types_found, 597);
}

/// Names a user of the crate would type. It is never called: compiling it is the check.
async fn names_users_type(client: &xapi_client::Client) -> xapi_client::Result<()> {
    let users: xapi_client::api::Users<'_> = client.users();
    let query = xapi_client::GetQuery::default();
    let user: xapi_client::models::PbxUser = users.get_user(1, &query).await?;
    let _: Option<i32> = user.id;

    let page: xapi_client::Page<xapi_client::models::PbxUser> =
        users.list_user(&xapi_client::ListQuery::default()).await?;
    let _: Vec<xapi_client::models::PbxUser> = page.items;
    let _: xapi_client::ItemStream<xapi_client::models::PbxUser> =
        users.list_user_stream(&xapi_client::ListQuery::default());
    Ok(())
}

#[test]
fn generated_names_compile() {
    let _ = names_users_type;
}
