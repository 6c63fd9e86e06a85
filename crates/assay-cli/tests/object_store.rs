//! Reading from object stores over real HTTP on loopback: a range-capable HTTP server written
//! here, and moto's S3-compatible server (installed by `.ci/run` into `.venv-test`).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The profile summary without the median column: KLL compaction is randomized, so a
/// sketched median may differ (within its bound) between two reads of the same data.
fn without_median(summary: &str) -> String {
    summary
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            if cells.len() >= 10 {
                [&cells[..6], &cells[7..]].concat().join(" ")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Serves files under `root` with HEAD, GET and single byte-range requests.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &root);
            });
        }
    });
    port
}

fn handle(mut stream: TcpStream, root: &std::path::Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("/").to_string(),
        );
        let mut range: Option<(u64, Option<u64>)> = None;
        loop {
            let mut h = String::new();
            reader.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some(v) = h
                .strip_prefix("range: ")
                .or_else(|| h.strip_prefix("Range: "))
            {
                if let Some((a, b)) = v.trim_start_matches("bytes=").split_once('-') {
                    range = Some((a.parse().unwrap_or(0), b.parse().ok()));
                }
            }
        }
        let file = root.join(path.trim_start_matches('/'));
        let Ok(mut bytes) = std::fs::read(&file) else {
            stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")?;
            continue;
        };
        let total = bytes.len() as u64;
        let mut status = "200 OK";
        let mut extra = String::new();
        if let Some((start, end)) = range {
            let end = end.unwrap_or(total - 1).min(total - 1);
            bytes = bytes[start as usize..=end as usize].to_vec();
            status = "206 Partial Content";
            extra = format!("content-range: bytes {start}-{end}/{total}\r\n");
        }
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nlast-modified: Thu, 26 Nov 2026 10:00:00 GMT\r\netag: \"v1\"\r\naccept-ranges: bytes\r\n{extra}\r\n",
            bytes.len()
        );
        stream.write_all(head.as_bytes())?;
        if method != "HEAD" {
            stream.write_all(&bytes)?;
        }
        stream.flush()?;
    }
}

#[test]
fn http_url_profiles_like_the_local_file() {
    let port = serve(root().join("examples/adult"));
    let local = assay(&[
        "profile",
        &repo("examples/adult/adult_current.csv"),
        "--null-value",
        "?",
    ]);
    let remote = assay(&[
        "profile",
        &format!("http://127.0.0.1:{port}/adult_current.csv"),
        "--null-value",
        "?",
    ]);
    assert_eq!(remote.code, 0, "{}", remote.stderr);
    assert_eq!(
        without_median(&local.stdout),
        without_median(&remote.stdout)
    );
    let missing = assay(&["profile", &format!("http://127.0.0.1:{port}/nope.csv")]);
    assert_input_error(&missing, &["nope.csv"]);
}

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn s3_compatible_server_with_endpoint_override() {
    let venv = root().join(".venv-test/bin");
    if !venv.join("moto_server").exists() {
        if std::env::var_os("CI").is_some() {
            panic!("moto_server missing: .ci/run must install scripts/requirements-test.txt into .venv-test");
        }
        eprintln!("skipping the S3 test: run `python3 -m venv .venv-test && .venv-test/bin/pip install -r scripts/requirements-test.txt`");
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Moto(
        Command::new(venv.join("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto_server did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let endpoint = format!("http://127.0.0.1:{port}");
    let upload = format!(
        "import boto3\ns3 = boto3.client('s3', endpoint_url='{endpoint}', aws_access_key_id='test', aws_secret_access_key='test', region_name='us-east-1')\n\
         s3.create_bucket(Bucket='data')\n\
         s3.upload_file('{}', 'data', 'adult/part-0.csv')\n\
         s3.upload_file('{}', 'data', 'adult/part-1.csv')\n",
        repo("examples/adult/adult_reference.csv"),
        repo("examples/adult/adult_current.csv"),
    );
    let mut py = Command::new(venv.join("python"))
        .arg("-")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    py.stdin
        .take()
        .unwrap()
        .write_all(upload.as_bytes())
        .unwrap();
    assert!(py.wait().unwrap().success());

    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_assay"))
            .args(args)
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let mut stdout = String::new();
        out.stdout.as_slice().read_to_string(&mut stdout).unwrap();
        (
            out.status.code().unwrap_or(-1),
            stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A single object, and a prefix listing both parts.
    let (code, one, err) = run(&["profile", "s3://data/adult/part-1.csv", "--null-value", "?"]);
    assert_eq!(code, 0, "{err}");
    let local = assay(&[
        "profile",
        &repo("examples/adult/adult_current.csv"),
        "--null-value",
        "?",
    ]);
    assert_eq!(without_median(&one), without_median(&local.stdout));
    let (code, both, err) = run(&[
        "profile",
        "s3://data/adult/",
        "--format",
        "csv",
        "--null-value",
        "?",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(both.starts_with("32561 rows, 15 columns"), "{both}");
    let (code, _, err) = run(&["profile", "s3://data/missing/x.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("s3://data/missing/x.csv"), "{err}");
    drop(server);
}
