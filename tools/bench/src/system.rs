//! What a run was measured on: the commit of the accord source and the machine, read
//! from git and `/proc`, so figures from different runs can be told apart. Anything
//! that cannot be read is reported as unknown rather than failing the run.

use std::path::Path;
use std::process::Command;

use serde::Serialize;

/// The source and the machine of a run, taken when it starts.
#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    /// `git rev-parse --short HEAD`, with `-dirty` when tracked files are changed.
    pub commit: String,
    pub cpu: String,
    pub logical_cpus: usize,
    pub memory_gb: Option<f64>,
    /// The 1, 5 and 15 minute load averages, since other work skews the figures.
    pub load_average: Option<[f64; 3]>,
}

impl Provenance {
    pub fn now() -> Provenance {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        // The crate sits two folders below the repository's root.
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        Provenance {
            commit: commit(&source).unwrap_or_else(|| "unknown".to_owned()),
            cpu: cpu_model(&cpuinfo).unwrap_or_else(|| "unknown CPU".to_owned()),
            logical_cpus: logical_cpus(&cpuinfo),
            memory_gb: memory_gb(&meminfo),
            load_average: load_average(&loadavg),
        }
    }

    /// The machine in a few words: CPU, memory, and the load when the run started.
    pub fn machine(&self) -> String {
        let cpus = self.logical_cpus;
        let mut text = format!(
            "{}, {cpus} logical CPU{}",
            self.cpu,
            if cpus == 1 { "" } else { "s" }
        );
        if let Some(gb) = self.memory_gb {
            text += &format!(", {gb:.1} GB of memory");
        }
        if let Some([one, five, fifteen]) = self.load_average {
            text += &format!(", load average {one:.2} {five:.2} {fifteen:.2} at start");
        }
        text
    }
}

/// The short commit of the repository at `dir`, marked dirty when tracked files differ
/// from it; untracked files, such as generated corpora, do not count.
fn commit(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| {
        let output = Command::new("git").arg("-C").arg(dir).args(args).output();
        output
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).filter(|head| !head.is_empty())?;
    let changes = git(&["status", "--porcelain", "--untracked-files=no"])?;
    Some(if changes.is_empty() {
        head
    } else {
        format!("{head}-dirty")
    })
}

/// The value of the first `key: value` line of a `/proc` file.
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name.trim() == key).then(|| value.trim())
    })
}

fn cpu_model(cpuinfo: &str) -> Option<String> {
    field(cpuinfo, "model name")
        .filter(|model| !model.is_empty())
        .map(|model| model.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Logical CPUs as `/proc/cpuinfo` lists them, else as the standard library sees them.
fn logical_cpus(cpuinfo: &str) -> usize {
    let listed = cpuinfo
        .lines()
        .filter(|line| {
            line.split(':')
                .next()
                .is_some_and(|key| key.trim() == "processor")
        })
        .count();
    if listed > 0 {
        listed
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

fn memory_gb(meminfo: &str) -> Option<f64> {
    let kb: f64 = field(meminfo, "MemTotal")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kb / 1024.0 / 1024.0)
}

fn load_average(loadavg: &str) -> Option<[f64; 3]> {
    let mut values = loadavg.split_whitespace().map(|value| value.parse().ok());
    Some([values.next()??, values.next()??, values.next()??])
}

/// Resident memory (`VmRSS`) and its peak (`VmHWM`) of a process, in MB, where
/// `/proc` tells them.
pub fn memory_mb(pid: u32) -> (Option<f64>, Option<f64>) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let mb = |name: &str| {
        let kb: f64 = field(&status, name)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    };
    (mb("VmRSS"), mb("VmHWM"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files_are_read_and_missing_ones_tolerated() {
        let cpuinfo = "processor\t: 0\nmodel name\t: AMD  EPYC 7B13\n\n\
                       processor\t: 1\nmodel name\t: AMD  EPYC 7B13\n";
        assert_eq!(cpu_model(cpuinfo).as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(logical_cpus(cpuinfo), 2);
        assert_eq!(cpu_model(""), None);
        assert!(logical_cpus("") >= 1);
        let meminfo = "MemTotal:        8388608 kB\nMemFree:  1 kB\n";
        assert_eq!(memory_gb(meminfo), Some(8.0));
        assert_eq!(memory_gb(""), None);
        assert_eq!(
            load_average("1.23 0.50 2.00 1/234 5678\n"),
            Some([1.23, 0.5, 2.0])
        );
        assert_eq!(load_average(""), None);
        let unknown = Provenance {
            commit: "unknown".to_owned(),
            cpu: "unknown CPU".to_owned(),
            logical_cpus: 1,
            memory_gb: None,
            load_average: None,
        };
        assert_eq!(unknown.machine(), "unknown CPU, 1 logical CPU");
        let known = Provenance {
            memory_gb: Some(7.75),
            load_average: Some([1.0, 0.5, 0.25]),
            logical_cpus: 2,
            ..unknown
        };
        assert_eq!(
            known.machine(),
            "unknown CPU, 2 logical CPUs, 7.8 GB of memory, load average 1.00 0.50 0.25 at start"
        );
    }

    #[test]
    fn this_process_has_a_resident_size_where_proc_exists() {
        let (rss, peak) = memory_mb(std::process::id());
        if Path::new("/proc/self/status").exists() {
            assert!(rss.is_some_and(|mb| mb > 0.0) && peak >= rss);
        } else {
            assert_eq!((rss, peak), (None, None));
        }
    }
}
