//! The client's Cargo features, tried as an application would: a crate outside the workspace
//! that depends on `xapi-client` with `default-features = false` and a few API areas.

use std::path::Path;

use xapi_workspace_tests::{cargo_check, standalone_target_dir, workspace_root};

/// An application that calls users and active calls.
const USERS_AND_ACTIVE_CALLS: &str = r#"
use xapi_client::{Client, GetQuery, ListQuery};

pub async fn run(client: &Client) -> xapi_client::Result<()> {
    let user = client.users().get_user(5, &GetQuery::default()).await?;
    let calls = client.active_calls().list_active_call(&ListQuery::default()).await?;
    println!("{:?} {}", user.first_name, calls.items.len());
    Ok(())
}
"#;

/// An application that also reaches for groups, an area it did not turn on.
const GROUPS_TOO: &str = r#"
use xapi_client::{Client, ListQuery};

pub async fn run(client: &Client) -> xapi_client::Result<()> {
    let groups = client.groups().list_group(&ListQuery::default()).await?;
    println!("{}", groups.items.len());
    Ok(())
}
"#;

/// An application that uses the runtime alone.
const RUNTIME_ONLY: &str = r#"
pub fn run() -> xapi_client::Result<xapi_client::Client> {
    xapi_client::Client::builder("https://pbx.example.com").bearer_token("t").build()
}
"#;

/// Writes the application in `dir` and runs `cargo check` on it.
fn check_application(dir: &Path, features: &[&str], source: &str) -> std::process::Output {
    let client = workspace_root().join("generated-client");
    let features: Vec<String> = features.iter().map(|name| format!("\"{name}\"")).collect();
    let manifest = format!(
        "[package]\nname = \"application\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [dependencies]\nxapi-client = {{ path = {:?}, default-features = false, \
         features = [{}] }}\n\n[workspace]\n",
        client.display().to_string(),
        features.join(", ")
    );
    std::fs::create_dir_all(dir.join("src")).expect("mkdir src");
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("src").join("lib.rs"), source).expect("write lib.rs");
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("copy Cargo.lock");
    cargo_check(dir, &standalone_target_dir())
}

#[test]
fn a_few_areas_build_alone_and_leave_the_others_out() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = check_application(
        dir.path(),
        &["users", "active_calls"],
        USERS_AND_ACTIVE_CALLS,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "users and active calls:\n{stderr}");
    assert!(stderr.trim().is_empty(), "no warnings expected:\n{stderr}");

    let output = check_application(dir.path(), &["users", "active_calls"], GROUPS_TOO);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "groups is not turned on");
    assert!(
        stderr.contains("no method named `groups` found for reference `&Client`"),
        "{stderr}"
    );

    let output = check_application(dir.path(), &[], RUNTIME_ONLY);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the runtime alone:\n{stderr}");
    assert!(stderr.trim().is_empty(), "no warnings expected:\n{stderr}");
}
