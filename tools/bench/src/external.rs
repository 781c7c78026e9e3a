//! `accord check` run as a real process over a folder, and ripgrep searching the same
//! folder for every name of the knowledge base: the practical ceiling of a
//! multi-pattern text scan, to put the checker's throughput in proportion.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

/// One timed run of an external program.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessRun {
    pub seconds: f64,
    pub mb_s: f64,
    /// What the output says was found, as a sanity check that work was done.
    pub found: String,
}

impl ProcessRun {
    fn new(elapsed: Duration, bytes: u64, found: String) -> ProcessRun {
        let seconds = elapsed.as_secs_f64();
        ProcessRun {
            seconds,
            mb_s: bytes as f64 / 1e6 / seconds.max(1e-9),
            found,
        }
    }
}

/// Why a program gave no figure.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ran(ProcessRun),
    NotInstalled,
    Timeout,
    Failed(String),
}

impl Outcome {
    pub fn run(&self) -> Option<&ProcessRun> {
        match self {
            Outcome::Ran(run) => Some(run),
            _ => None,
        }
    }

    /// A table cell: the throughput and time of a run, or why there is none.
    pub fn cell(&self) -> String {
        match self {
            Outcome::Ran(run) => format!("{:.1} MB/s ({:.2} s)", run.mb_s, run.seconds),
            Outcome::NotInstalled => "not installed".to_owned(),
            Outcome::Timeout => "timeout".to_owned(),
            Outcome::Failed(why) => format!("failed: {why}"),
        }
    }
}

/// Every name and alias of the built-in knowledge base, once each.
pub fn knowledge_base_names() -> Vec<String> {
    let mut names: Vec<String> = accord::kb::builtin::builtin()
        .entries()
        .flat_map(|entry| std::iter::once(&entry.name).chain(&entry.aliases))
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty() && !name.contains('\n'))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// How often each program runs: the figure is the median, since one run may meet
/// the page cache dropping the last run's output file or another process's burst.
const RUNS: usize = 5;

/// Runs `command` [`RUNS`] times, as [`timed`] does; returns the median wall time.
fn timed_median(
    command: &mut Command,
    output: &Path,
    timeout: Duration,
) -> Result<Duration, Outcome> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        times.push(timed(command, output, timeout)?);
    }
    times.sort();
    Ok(times[RUNS / 2])
}

/// Runs `command` with its output in `output`, killing it after `timeout`. Returns
/// the wall time, or why there is none.
fn timed(command: &mut Command, output: &Path, timeout: Duration) -> Result<Duration, Outcome> {
    let file = std::fs::File::create(output).map_err(|e| Outcome::Failed(e.to_string()))?;
    command
        .stdout(file)
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(Outcome::NotInstalled);
        }
        Err(error) => return Err(Outcome::Failed(error.to_string())),
    };
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let elapsed = started.elapsed();
                // Exit status 1 means "found something" for both programs.
                if status.code().is_some_and(|code| code <= 1) {
                    return Ok(elapsed);
                }
                let mut stderr = String::new();
                if let Some(mut pipe) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
                }
                let first = stderr.lines().next().unwrap_or("").to_owned();
                return Err(Outcome::Failed(format!("{status}: {first}")));
            }
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Outcome::Timeout);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(error) => return Err(Outcome::Failed(error.to_string())),
        }
    }
}

/// `accord check DIR --format json` on `threads` threads, the median of [`RUNS`].
pub fn accord_check(
    accord: &Path,
    dir: &Path,
    bytes: u64,
    threads: usize,
    scratch: &Path,
    timeout: Duration,
) -> Outcome {
    let output = scratch.join("accord-check.json");
    let mut command = Command::new(accord);
    command
        .args(["check", "--format", "json", "--min-severity", "hint"])
        .arg(dir)
        .env("RAYON_NUM_THREADS", threads.to_string());
    let elapsed = match timed_median(&mut command, &output, timeout) {
        Ok(elapsed) => elapsed,
        Err(outcome) => return outcome,
    };
    let found = match std::fs::read(&output)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
    {
        Some(report) => {
            let files = report["files"].as_array().map_or(0, Vec::len);
            let diagnostics: usize = report["files"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|file| file["diagnostics"].as_array().map_or(0, Vec::len))
                .sum();
            format!("{diagnostics} diagnostics in {files} files")
        }
        None => return Outcome::Failed("the JSON report does not parse".to_owned()),
    };
    Outcome::Ran(ProcessRun::new(elapsed, bytes, found))
}

/// `rg -F --count-matches -f patterns DIR` on `threads` threads, the median of
/// [`RUNS`].
pub fn ripgrep(
    rg: &Path,
    patterns: &Path,
    dir: &Path,
    bytes: u64,
    threads: usize,
    scratch: &Path,
    timeout: Duration,
) -> Outcome {
    let output = scratch.join("rg-counts.txt");
    let mut command = Command::new(rg);
    command
        .args(["--fixed-strings", "--count-matches", "--no-config"])
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--file")
        .arg(patterns)
        .arg(dir);
    let elapsed = match timed_median(&mut command, &output, timeout) {
        Ok(elapsed) => elapsed,
        Err(outcome) => return outcome,
    };
    let text = std::fs::read_to_string(&output).unwrap_or_default();
    let matches: u64 = text
        .lines()
        .filter_map(|line| line.rsplit(':').next()?.trim().parse::<u64>().ok())
        .sum();
    let found = format!("{matches} matches in {} files", text.lines().count());
    Outcome::Ran(ProcessRun::new(elapsed, bytes, found))
}

/// The program `name` from `PATH`, if there is one.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_cover_entries_and_their_aliases() {
        let names = knowledge_base_names();
        let kb = accord::kb::builtin::builtin();
        let entry = kb
            .entries()
            .find(|entry| !entry.aliases.is_empty())
            .expect("some built-in entry has an alias");
        assert!(names.binary_search(&entry.name.trim().to_owned()).is_ok());
        for alias in &entry.aliases {
            assert!(names.binary_search(&alias.trim().to_owned()).is_ok());
        }
        assert!(names.len() >= kb.len() / 2);
        assert!(names.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
