//! `cargo xtask fetch-spec URL [--out PATH] [--version VERSION]`: download the spec a running
//! PBX serves, pin it, and say what changed against the previous pin.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xapi_generator::diff::diff_models;

use crate::pin::{Pin, sha256_hex};
use crate::published::lower;

/// How `cargo xtask fetch-spec` is called.
pub const USAGE: &str = "usage: cargo xtask fetch-spec URL [--out PATH] [--version VERSION]";

/// The response header a PBX names its version in.
const VERSION_HEADER: &str = "X-3CX-Version";

/// What `cargo xtask fetch-spec` was asked to do.
#[derive(Debug, PartialEq, Eq)]
pub struct FetchArgs {
    /// The PBX's base URL, such as `https://pbx.example.com`.
    pub url: String,
    /// Where to write the spec; by default `spec/xapi-<version>.yaml`, which git ignores.
    pub out: Option<PathBuf>,
    /// The 3CX version, for a PBX that does not send `X-3CX-Version`.
    pub version: Option<String>,
}

/// Parses the arguments after `fetch-spec`.
pub fn parse_fetch_args(mut args: impl Iterator<Item = String>) -> Result<FetchArgs> {
    let (mut url, mut out, mut version) = (None, None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(args.next().context("`--out` needs a path")?)),
            "--version" => version = Some(args.next().context("`--version` needs a version")?),
            other if other.starts_with("--") => bail!("unknown argument `{other}`\n{USAGE}"),
            other if url.is_none() => url = Some(other.to_string()),
            other => bail!("unexpected argument `{other}`: one URL only\n{USAGE}"),
        }
    }
    let url = url.with_context(|| format!("`fetch-spec` needs the PBX's URL\n{USAGE}"))?;
    Ok(FetchArgs { url, out, version })
}

/// The spec's URL for a PBX's base URL, which may already end in `/xapi/v1`.
fn swagger_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    let base = base.strip_suffix("/xapi/v1").unwrap_or(base);
    format!("{base}/xapi/v1/swagger.yaml")
}

/// Downloads the spec, writes it and the new pin under `root`, and returns the report: where
/// it went, and what changed against the previously pinned spec.
pub fn fetch_spec(root: &Path, args: &FetchArgs) -> Result<String> {
    let url = swagger_url(&args.url);
    let response = reqwest::blocking::get(&url).with_context(|| format!("cannot fetch {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("{url} answered {status}");
    }
    let header = response
        .headers()
        .get(VERSION_HEADER)
        .map(|value| {
            value
                .to_str()
                .map(|text| text.trim().to_string())
                .with_context(|| format!("{url}: the {VERSION_HEADER} header is not text"))
        })
        .transpose()?;
    let body = response
        .bytes()
        .with_context(|| format!("cannot read the answer of {url}"))?;
    let text = String::from_utf8(body.to_vec())
        .with_context(|| format!("{url}: the spec is not UTF-8 text"))?;

    // NB: the spec's `info.version` is "1.0.0" in every published spec, so it cannot say
    // which 3CX the spec belongs to; only the PBX's header or the maintainer can.
    let version = match (header, &args.version) {
        (Some(header), Some(given)) if header != *given => {
            bail!("{url} reports {VERSION_HEADER} {header}, but `--version {given}` was given")
        }
        (Some(header), _) => header,
        (None, Some(given)) => given.clone(),
        (None, None) => bail!(
            "{url} sent no {VERSION_HEADER} header and the spec's info.version does not name \
             the 3CX version; pass it with `--version`"
        ),
    };
    if version.is_empty() || !version.split('.').all(|part| part.parse::<u32>().is_ok()) {
        bail!("`{version}` is not a 3CX version like 20.0.10");
    }
    xapi_generator::parse::parse_spec(&url, &text)?;

    // The previous spec is read before anything is written: a re-fetch may overwrite it.
    let has_pin = root.join("spec").join("pin.toml").is_file();
    let previous = has_pin.then(|| Pin::load(root)).transpose()?.map(|pin| {
        let text = pin.locate(root).and_then(|path| {
            std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read the spec at {}", path.display()))
        });
        (pin, text)
    });

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("spec").join(format!("xapi-{version}.yaml")));
    if let Some(parent) = out.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&out, &text).with_context(|| format!("cannot write {}", out.display()))?;
    let file = out
        .file_name()
        .with_context(|| format!("{} names no file", out.display()))?
        .to_string_lossy()
        .into_owned();
    let sha256 = sha256_hex(text.as_bytes());
    write_pin(
        root,
        &version,
        &file,
        &sha256,
        &format!("fetched from {url}"),
    )?;

    let mut report = format!("wrote {} (3CX {version}, sha256 {sha256})\n", out.display());
    report.push_str(&format!("pinned {file} in spec/pin.toml\n"));
    if out.parent() != Some(root.join("spec").as_path()) {
        report.push_str(&format!(
            "note: `cargo xtask generate` looks for {file} in spec/ and ../shared/spec/; pass \
             `--spec {}` while it is elsewhere\n",
            out.display()
        ));
    }
    match previous {
        None => report.push_str("no previous pin to compare with\n"),
        Some((pin, Err(error))) => report.push_str(&format!(
            "cannot compare with the previous pin (3CX {}): {error:#}\n",
            pin.version
        )),
        Some((pin, Ok(old_text))) => {
            let old = lower(root, &pin.file, &old_text)?;
            let new = lower(root, &file, &text)?;
            let diff = diff_models(&old, &new);
            report.push_str(&format!(
                "changes since 3CX {} ({}): {}\n",
                pin.version,
                pin.file,
                diff.render_summary()
            ));
            for id in diff.added_operations() {
                report.push_str(&format!("  added operation {id}\n"));
            }
            for id in diff.removed_operations() {
                report.push_str(&format!("  removed operation {id} (breaking)\n"));
            }
            report.push_str(&format!(
                "run `cargo xtask diff <old> {}` for every change\n",
                out.display()
            ));
        }
    }
    Ok(report)
}

/// Rewrites `spec/pin.toml`, keeping the comment lines it opens with.
fn write_pin(root: &Path, version: &str, file: &str, sha256: &str, source: &str) -> Result<()> {
    let path = root.join("spec").join("pin.toml");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let header: String = old
        .lines()
        .take_while(|line| line.starts_with('#') || line.trim().is_empty())
        .map(|line| format!("{line}\n"))
        .collect();
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    let header = if header.trim().is_empty() {
        "# The XAPI spec the committed client in generated-client/ is built from.\n\n".to_string()
    } else {
        header
    };
    let text = format!(
        "{header}version = {}\nfile = {}\nsha256 = {}\nsource = {}\n",
        quote(version),
        quote(file),
        quote(sha256),
        quote(source)
    );
    std::fs::create_dir_all(root.join("spec"))
        .with_context(|| format!("cannot create {}", root.join("spec").display()))?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::workspace_root;

    const PIN_HEADER: &str = "# A test pin.\n\n";

    fn fixture(name: &str) -> String {
        let path = workspace_root().join("tests/fixtures/diff").join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A temporary workspace root whose pin names `old.yaml`, kept in its `spec/`.
    fn root_with_old_pin() -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temporary directory");
        let spec = root.path().join("spec");
        std::fs::create_dir_all(&spec).unwrap();
        let old = fixture("old.yaml");
        std::fs::write(spec.join("old.yaml"), &old).unwrap();
        std::fs::write(
            spec.join("corrections.yaml"),
            "downloads: { add: [], remove: [] }\n",
        )
        .unwrap();
        let pin = format!(
            "{PIN_HEADER}version = \"20.0.9\"\nfile = \"old.yaml\"\nsha256 = \"{}\"\n\
             source = \"a test\"\n",
            sha256_hex(old.as_bytes())
        );
        std::fs::write(spec.join("pin.toml"), pin).unwrap();
        root
    }

    /// A local server answering the spec request with `response`.
    async fn serve(response: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/xapi/v1/swagger.yaml"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        server
    }

    /// Runs the blocking fetch off the runtime that drives the mock server.
    async fn fetch(root: &Path, args: FetchArgs) -> Result<String> {
        let root = root.to_path_buf();
        tokio::task::spawn_blocking(move || fetch_spec(&root, &args))
            .await
            .expect("the fetch did not panic")
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn fetch_writes_the_spec_pins_it_and_reports_the_changes() {
        let root = root_with_old_pin();
        let new = fixture("new.yaml");
        let server = serve(
            ResponseTemplate::new(200)
                .insert_header("X-3CX-Version", "20.0.11")
                .set_body_string(new.clone()),
        )
        .await;

        let args = FetchArgs {
            url: format!("{}/xapi/v1/", server.uri()),
            out: None,
            version: None,
        };
        let report = fetch(root.path(), args).await.expect("fetched");

        let out = root.path().join("spec/xapi-20.0.11.yaml");
        assert_eq!(read(&out), new);
        let sha256 = sha256_hex(new.as_bytes());
        let url = format!("{}/xapi/v1/swagger.yaml", server.uri());
        assert_eq!(
            read(&root.path().join("spec/pin.toml")),
            format!(
                "{PIN_HEADER}version = \"20.0.11\"\nfile = \"xapi-20.0.11.yaml\"\n\
                 sha256 = \"{sha256}\"\nsource = \"fetched from {url}\"\n"
            )
        );
        assert_eq!(
            report,
            format!(
                "wrote {} (3CX 20.0.11, sha256 {sha256})\n\
                 pinned xapi-20.0.11.yaml in spec/pin.toml\n\
                 changes since 3CX 20.0.9 (old.yaml): operations: 1 added, 1 removed, 3 \
                 changed; types: 1 added, 1 removed, 4 changed; 8 breaking change(s)\n  \
                 added operation Fresh\n  \
                 removed operation Legacy (breaking)\n\
                 run `cargo xtask diff <old> {}` for every change\n",
                out.display(),
                out.display()
            )
        );
        // The pin now names the new file, which the generator finds in spec/.
        let pin = Pin::load(root.path()).expect("a valid pin");
        assert_eq!(pin.locate(root.path()).expect("located"), out);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn without_a_version_header_the_version_must_be_given() {
        let root = root_with_old_pin();
        let pin_before = read(&root.path().join("spec/pin.toml"));
        let server = serve(ResponseTemplate::new(200).set_body_string(fixture("new.yaml"))).await;

        let args = FetchArgs {
            url: server.uri(),
            out: None,
            version: None,
        };
        let error = fetch(root.path(), args).await.expect_err("no version");
        assert_eq!(
            error.to_string(),
            format!(
                "{}/xapi/v1/swagger.yaml sent no X-3CX-Version header and the spec's \
                 info.version does not name the 3CX version; pass it with `--version`",
                server.uri()
            )
        );
        assert_eq!(read(&root.path().join("spec/pin.toml")), pin_before);

        let server = serve(ResponseTemplate::new(200).set_body_string(fixture("new.yaml"))).await;
        let out = root.path().join("elsewhere/new.yaml");
        let args = FetchArgs {
            url: server.uri(),
            out: Some(out.clone()),
            version: Some("20.0.12".into()),
        };
        let report = fetch(root.path(), args).await.expect("fetched");
        assert!(
            report.contains(&format!(
                "note: `cargo xtask generate` looks for new.yaml in spec/ and ../shared/spec/; \
                 pass `--spec {}` while it is elsewhere\n",
                out.display()
            )),
            "{report}"
        );
        assert!(read(&root.path().join("spec/pin.toml")).contains("version = \"20.0.12\"\n"));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn errors_name_the_url_and_the_reason() {
        let root = root_with_old_pin();
        let server = serve(ResponseTemplate::new(404)).await;
        let args = FetchArgs {
            url: server.uri(),
            out: None,
            version: Some("20.0.11".into()),
        };
        let error = fetch(root.path(), args).await.expect_err("not found");
        assert_eq!(
            error.to_string(),
            format!(
                "{}/xapi/v1/swagger.yaml answered 404 Not Found",
                server.uri()
            )
        );

        let server = serve(ResponseTemplate::new(200).set_body_string("openapi: [3]\n")).await;
        let args = FetchArgs {
            url: server.uri(),
            out: None,
            version: Some("20.0.11".into()),
        };
        let error = fetch(root.path(), args).await.expect_err("not a spec");
        assert!(
            error.to_string().starts_with(&format!(
                "{}/xapi/v1/swagger.yaml: 1 problem(s) in the spec",
                server.uri()
            )),
            "{error}"
        );
        assert!(!root.path().join("spec/xapi-20.0.11.yaml").exists());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_first_fetch_writes_a_new_pin_and_a_broken_pin_stops_it() {
        let root = tempfile::tempdir().expect("temporary directory");
        let new = fixture("new.yaml");
        let server = serve(
            ResponseTemplate::new(200)
                .insert_header("X-3CX-Version", "20.0.11")
                .set_body_string(new.clone()),
        )
        .await;
        let args = FetchArgs {
            url: server.uri(),
            out: None,
            version: None,
        };
        let report = fetch(root.path(), args).await.expect("fetched");
        assert!(
            report.ends_with("no previous pin to compare with\n"),
            "{report}"
        );
        let pin = read(&root.path().join("spec/pin.toml"));
        assert!(
            pin.starts_with(
                "# The XAPI spec the committed client in generated-client/ is built \
                 from.\n\nversion = \"20.0.11\"\n"
            ),
            "{pin}"
        );

        std::fs::write(root.path().join("spec/pin.toml"), "version = 3\n").unwrap();
        let server = serve(
            ResponseTemplate::new(200)
                .insert_header("X-3CX-Version", "20.0.12")
                .set_body_string(new),
        )
        .await;
        let args = FetchArgs {
            url: server.uri(),
            out: None,
            version: None,
        };
        let error = fetch(root.path(), args)
            .await
            .expect_err("the pin is broken");
        assert!(
            error
                .to_string()
                .ends_with("spec/pin.toml is not a valid pin"),
            "{error}"
        );
        assert!(!root.path().join("spec/xapi-20.0.12.yaml").exists());
    }

    #[test]
    fn arguments_and_urls() {
        let args = [
            "https://pbx.example.com",
            "--out",
            "x.yaml",
            "--version",
            "20.0.10",
        ];
        let parsed = parse_fetch_args(args.map(String::from).into_iter()).expect("valid");
        assert_eq!(
            parsed,
            FetchArgs {
                url: "https://pbx.example.com".into(),
                out: Some(PathBuf::from("x.yaml")),
                version: Some("20.0.10".into()),
            }
        );
        let error = parse_fetch_args(std::iter::empty()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("`fetch-spec` needs the PBX's URL\n{USAGE}")
        );
        let error = parse_fetch_args(["a", "b"].map(String::from).into_iter()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("unexpected argument `b`: one URL only\n{USAGE}")
        );

        for base in [
            "https://pbx.example.com",
            "https://pbx.example.com/",
            "https://pbx.example.com/xapi/v1",
            "https://pbx.example.com/xapi/v1/",
        ] {
            assert_eq!(
                swagger_url(base),
                "https://pbx.example.com/xapi/v1/swagger.yaml",
                "{base}"
            );
        }
    }
}
