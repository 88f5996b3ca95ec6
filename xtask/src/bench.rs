//! `cargo xtask bench`: what the generator and the generated crate cost, printed as tables.
//!
//! Without arguments it runs `generate` on the pinned spec several times and prints, for each
//! stage and for the whole, the best and median wall time and the most heap the stage held
//! beyond what it started with. `--build` also builds the generated crate clean, dependencies
//! already built, with every feature and with two API areas, and prints the time and the
//! peak memory of each build. Figures are printed, never asserted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::pin::Pin;
use crate::{GENERATED_DIRS, history, tree};

pub const USAGE: &str = "usage: cargo xtask bench [--runs N] [--build]";

/// How often each generator stage runs when `--runs` is not given.
const DEFAULT_RUNS: usize = 10;

/// The small feature set the build benchmark compares with the default.
const MINIMAL_FEATURES: &str = "users,active_calls";

/// The system allocator, counting the bytes in use and the most in use since the last reset.
pub struct CountingAllocator {
    current: AtomicUsize,
    peak: AtomicUsize,
}

impl CountingAllocator {
    pub const fn new() -> Self {
        CountingAllocator {
            current: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Starts a measurement: returns the bytes in use, and the peak starts again from there.
    fn reset_peak(&self) -> usize {
        let current = self.current.load(Ordering::Relaxed);
        self.peak.store(current, Ordering::Relaxed);
        current
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }
}

// SAFETY: every call is passed to `System` unchanged; the counters only observe the sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s contract.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = self.current.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(pointer, layout) };
        self.current.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

/// What `cargo xtask bench` was asked to do.
pub struct BenchArgs {
    runs: usize,
    build: bool,
}

pub fn parse_bench_args(mut args: impl Iterator<Item = String>) -> Result<BenchArgs> {
    let mut parsed = BenchArgs {
        runs: DEFAULT_RUNS,
        build: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--build" => parsed.build = true,
            "--runs" => {
                let runs = args.next().context("`--runs` needs a number")?;
                parsed.runs = match runs.parse() {
                    Ok(runs) if runs > 0 => runs,
                    _ => bail!("`--runs` needs a positive number, not `{runs}`"),
                };
            }
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(parsed)
}

pub fn bench(root: &Path, allocator: &CountingAllocator, args: &BenchArgs) -> Result<()> {
    println!("{}", machine_line());
    bench_generator(root, allocator, args.runs)?;
    if args.build {
        bench_build(root)?;
    }
    Ok(())
}

/// One line naming the machine: processor, cores, memory and the compiler.
fn machine_line() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown processor".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .unwrap_or_default();
    format!("machine: {cpu}, {cores} cores, {memory_gib:.0} GiB; {rustc}")
}

/// The timings of one stage over every run, and its largest heap growth.
#[derive(Default)]
struct Stage {
    times: Vec<Duration>,
    peak_heap: usize,
}

impl Stage {
    /// Runs `work` once, adding its time and heap growth.
    fn measure<T>(&mut self, allocator: &CountingAllocator, work: impl FnOnce() -> T) -> T {
        let base = allocator.reset_peak();
        let started = Instant::now();
        let value = work();
        self.times.push(started.elapsed());
        self.peak_heap = self.peak_heap.max(allocator.peak().saturating_sub(base));
        value
    }

    fn row(&mut self, name: &str) -> String {
        self.times.sort();
        let best = self.times[0];
        let median = self.times[self.times.len() / 2];
        format!(
            "| {name} | {:.1} | {:.1} | {:.1} |",
            millis(best),
            millis(median),
            self.peak_heap as f64 / 1024.0 / 1024.0
        )
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Each stage of `cargo xtask generate` on the pinned spec, `runs` times, then the whole.
fn bench_generator(root: &Path, allocator: &CountingAllocator, runs: usize) -> Result<()> {
    let pin = Pin::load(root)?;
    let spec_path = pin.locate(root)?;
    let corrections_path = root.join("spec").join("corrections.yaml");
    let availability_path = root.join(history::AVAILABILITY_FILE);
    let file = spec_path.display().to_string();
    let provenance = xapi_generator::Provenance {
        command: "cargo xtask generate".into(),
        spec_file: pin.file.clone(),
        version: Some(pin.version.clone()),
        sha256: pin.sha256.clone(),
        pinned: true,
    };
    let header = provenance.header();
    let out = tempfile::tempdir().context("cannot create a directory to write into")?;
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };

    let names = ["read", "parse", "model", "emit", "format", "write"];
    let mut stages: Vec<Stage> = names.iter().map(|_| Stage::default()).collect();
    let mut whole = Stage::default();
    let mut files_written = 0;
    for _ in 0..runs {
        let (spec, corrections, availability) = stages[0].measure(allocator, || {
            Ok::<_, anyhow::Error>((
                read(&spec_path)?,
                read(&corrections_path)?,
                read(&availability_path)?,
            ))
        })?;
        let (document, corrections) = stages[1].measure(allocator, || {
            Ok::<_, xapi_generator::Error>((
                xapi_generator::parse::parse_spec(&file, &spec)?,
                xapi_generator::corrections::parse_corrections("corrections.yaml", &corrections)?,
            ))
        })?;
        let model = stages[2].measure(allocator, || {
            let mut model = xapi_generator::model::lower(&document, &corrections)
                .map_err(|problems| anyhow::anyhow!("{} problems in the spec", problems.len()))?;
            xapi_generator::availability::parse_availability("availability.toml", &availability)?
                .annotate(&mut model);
            Ok::<_, anyhow::Error>(model)
        })?;
        drop(document);
        let emitted = stages[3].measure(allocator, || xapi_generator::emit::emit_client(&model));
        let files = stages[4].measure(allocator, || {
            emitted
                .into_iter()
                .map(|file| {
                    let text =
                        xapi_generator::format::render_file(&file.path, file.tokens, &header)
                            .map_err(anyhow::Error::msg)?;
                    Ok((file.path, text))
                })
                .collect::<Result<std::collections::BTreeMap<_, _>>>()
        })?;
        files_written = files.len();
        stages[5].measure(allocator, || {
            tree::replace(out.path(), GENERATED_DIRS, &files)
        })?;
        drop((files, model));

        // The whole, as `cargo xtask generate` runs it.
        whole.measure(allocator, || {
            let input = xapi_generator::SpecInput {
                file: &file,
                text: &read(&spec_path)?,
                corrections: Some(xapi_generator::Source {
                    file: "corrections.yaml",
                    text: &read(&corrections_path)?,
                }),
                availability: Some(xapi_generator::Source {
                    file: "availability.toml",
                    text: &read(&availability_path)?,
                }),
            };
            let generated = xapi_generator::generate(input, &provenance)?;
            tree::replace(out.path(), GENERATED_DIRS, &generated.files)
        })?;
    }

    println!(
        "\ngenerate on {} ({files_written} files), {runs} runs, {} build of xtask\n",
        pin.file,
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        }
    );
    println!("| stage | best ms | median ms | peak heap MiB |");
    println!("|---|---|---|---|");
    for (stage, name) in stages.iter_mut().zip(names) {
        println!("{}", stage.row(name));
    }
    println!("{}", whole.row("whole generate"));
    Ok(())
}

/// Clean builds of the generated crate alone, dependencies already built.
fn bench_build(root: &Path) -> Result<()> {
    let target = root.join("target").join("bench-build");
    let builds: [(&str, &[&str]); 3] = [
        ("debug build", &["build"]),
        ("check", &["check"]),
        ("release build", &["build", "--release"]),
    ];
    let feature_sets: [(&str, &[&str]); 2] = [
        ("all features", &[]),
        (
            MINIMAL_FEATURES,
            &["--no-default-features", "--features", MINIMAL_FEATURES],
        ),
    ];

    println!("\nxapi-client alone, clean, dependencies built (target/bench-build)\n");
    println!("| build | features | seconds | peak memory MiB |");
    println!("|---|---|---|---|");
    for (name, command) in builds {
        // Dependencies first, so that the timed runs build the crate alone.
        cargo(root, &target, command, &[])?;
        let profile: &[&str] = if command.contains(&"--release") {
            &["--release"]
        } else {
            &[]
        };
        for (features_name, features) in feature_sets {
            cargo(root, &target, &["clean"], profile)?;
            let (elapsed, peak_kib) = cargo(root, &target, command, features)?;
            println!(
                "| {name} | {features_name} | {:.1} | {:.0} |",
                elapsed.as_secs_f64(),
                peak_kib as f64 / 1024.0
            );
        }
    }
    Ok(())
}

/// Runs `cargo <command> -p xapi-client <extra>` quietly; returns its wall time and the peak
/// resident memory of cargo and every process it waited for (rustc), in KiB.
fn cargo(root: &Path, target: &Path, command: &[&str], extra: &[&str]) -> Result<(Duration, i64)> {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args(command)
        .args(["-p", "xapi-client", "--quiet", "--locked"])
        .args(extra);
    cargo.current_dir(root).env("CARGO_TARGET_DIR", target);

    let started = Instant::now();
    let child = cargo.spawn().context("cannot run cargo")?;
    let (status, peak_kib) = wait_with_peak_memory(child)?;
    let elapsed = started.elapsed();
    if !status {
        bail!("`cargo {} {}` failed", command.join(" "), extra.join(" "));
    }
    Ok((elapsed, peak_kib))
}

/// Waits for `child` and reads its resource usage: whether it succeeded, and the largest
/// resident set of it and its waited-for descendants, in KiB.
fn wait_with_peak_memory(child: std::process::Child) -> Result<(bool, i64)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // NB: std's `Child::wait` does not report resource usage; wait4 reaps the child instead,
    // and `child` is dropped without waiting again.
    // SAFETY: `pid` is our own unreaped child, and both pointers are valid for writes.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        bail!(
            "waiting for cargo failed: {}",
            std::io::Error::last_os_error()
        );
    }
    drop(child);
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok((success, usage.ru_maxrss))
}
