//! Checks of local data files before the reader sees them, so that a bad file is named in the
//! error: a CSV header with a repeated column, CSV files of one dataset with different headers,
//! a Parquet file whose footer is missing or points outside the file, an Arrow IPC file that is
//! not one. The reader itself (DataFusion) reports errors for the whole table, and some corrupt
//! files make libraries panic; the checks here read only headers and footers.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{EngineError, Result};
use crate::format::{CsvSettings, DataFormat};
use crate::source::{is_url, SourceSpec};

/// Local files checked at most (a directory with more is checked on its first files only).
const MAX_CHECKED_FILES: usize = 10_000;

/// Checks every local file of `spec` (files, and files of `format` in directories).
pub fn check_local_files(spec: &SourceSpec, format: DataFormat) -> Result<()> {
    let files = local_files(spec, format);
    match format {
        DataFormat::Csv => check_csv_headers(&files, &spec.csv),
        DataFormat::Parquet => files.iter().try_for_each(|f| check_parquet(f)),
        DataFormat::Ipc => files.iter().try_for_each(|f| check_ipc(f)),
        DataFormat::Json => Ok(()),
    }
}

/// The local files a spec names: files as given, and the files of the format's extension in
/// directories (recursively, as hive-partitioned layouts nest them), in name order.
fn local_files(spec: &SourceSpec, format: DataFormat) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in &spec.paths {
        if is_url(p) || p.contains(['*', '?', '[']) {
            continue;
        }
        let path = Path::new(p);
        if path.is_file() {
            out.push(path.to_path_buf());
        } else if path.is_dir() {
            collect(path, format.extension(), &mut out, 0);
        }
        if out.len() >= MAX_CHECKED_FILES {
            out.truncate(MAX_CHECKED_FILES);
            break;
        }
    }
    out
}

fn collect(dir: &Path, extension: &str, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 || out.len() >= MAX_CHECKED_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, extension, out, depth + 1);
        } else if p
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(extension)
        {
            out.push(p);
        }
    }
}

fn bad(path: &Path, message: String) -> EngineError {
    EngineError::BadInput {
        path: path.display().to_string(),
        message,
    }
}

/// The header of each CSV file: no column twice, the same columns in every file.
fn check_csv_headers(files: &[PathBuf], csv: &CsvSettings) -> Result<()> {
    if !csv.has_header {
        return Ok(());
    }
    let mut first: Option<(&Path, Vec<String>)> = None;
    for file in files {
        let name = file.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".gz") || name.ends_with(".bz2") || name.ends_with(".zst") {
            continue;
        }
        let tsv = name.ends_with(".tsv");
        let delimiter = match csv.delimiter_byte() {
            Ok(b',') if tsv => b'\t',
            Ok(b) => b,
            Err(_) => continue,
        };
        let (Ok(quote), Ok(escape)) = (csv.quote_byte(), csv.escape_byte()) else {
            continue;
        };
        let Ok(handle) = std::fs::File::open(file) else {
            continue;
        };
        let fields = match crate::format::csv_header_fields(handle, delimiter, quote, escape) {
            Ok(Some(fields)) => fields,
            Ok(None) => continue,
            Err(e) => {
                return Err(bad(
                    file,
                    format!("line 1: the header is not valid CSV ({e})"),
                ))
            }
        };
        let names: Vec<String> = fields
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        for (i, n) in names.iter().enumerate() {
            if let Some(j) = names[..i].iter().position(|m| m == n) {
                return Err(bad(
                    file,
                    format!(
                        "line 1: column `{n}` appears twice in the header (fields {} and {}); \
                         every column needs its own name",
                        j + 1,
                        i + 1
                    ),
                ));
            }
        }
        match &first {
            None => first = Some((file, names)),
            Some((first_file, first_names)) if *first_names != names => {
                return Err(bad(
                    file,
                    format!(
                        "its header ({}) differs from that of {} ({}): the files of one dataset \
                         need the same columns",
                        shorten(&names),
                        first_file.display(),
                        shorten(first_names)
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn shorten(names: &[String]) -> String {
    if names.len() > 8 {
        format!("{}, … {} columns", names[..8].join(", "), names.len())
    } else {
        names.join(", ")
    }
}

/// A Parquet file's frame and footer: magic bytes at both ends, a footer that fits the file,
/// metadata that parses, and every column chunk inside the file.
fn check_parquet(file: &Path) -> Result<()> {
    let Ok(mut handle) = std::fs::File::open(file) else {
        return Ok(());
    };
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let not_parquet = |why: &str| bad(file, format!("not a valid Parquet file: {why}"));
    if size < 12 {
        return Err(not_parquet(&format!(
            "{size} bytes, shorter than the smallest Parquet file"
        )));
    }
    let mut head = [0u8; 4];
    let mut tail = [0u8; 8];
    let read = handle
        .read_exact(&mut head)
        .and_then(|_| handle.seek(SeekFrom::End(-8)))
        .and_then(|_| handle.read_exact(&mut tail));
    if read.is_err() {
        return Ok(());
    }
    if &head != b"PAR1" {
        return Err(not_parquet("it does not start with the magic bytes PAR1"));
    }
    if &tail[4..] != b"PAR1" {
        return Err(not_parquet(
            "it does not end with the magic bytes PAR1 (truncated?)",
        ));
    }
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer + 12 > size {
        return Err(not_parquet(&format!(
            "its footer claims {footer} bytes, more than the file holds ({size} bytes; truncated?)"
        )));
    }
    // The metadata, read by the parquet crate inside a containment (a corrupt footer has made
    // it panic), then every column chunk's byte range checked against the file.
    let parsed = assay_runtime::fault::isolate(|| {
        parquet::file::metadata::ParquetMetaDataReader::new().parse_and_finish(&handle)
    });
    let metadata = match parsed {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => return Err(not_parquet(&format!("its footer is corrupt ({e})"))),
        Err(fault) => {
            return Err(not_parquet(&format!(
                "its footer is corrupt (the reader failed: {})",
                fault.trim_start_matches("internal error: ")
            )))
        }
    };
    for (g, group) in metadata.row_groups().iter().enumerate() {
        for column in group.columns() {
            // As `byte_range()` computes it, without its assertion (negative values panic).
            let start = column
                .dictionary_page_offset()
                .unwrap_or_else(|| column.data_page_offset());
            let length = column.compressed_size();
            let inside = u64::try_from(start)
                .ok()
                .zip(u64::try_from(length).ok())
                .and_then(|(s, l)| s.checked_add(l))
                .is_some_and(|end| end <= size - 8);
            if !inside {
                return Err(not_parquet(&format!(
                    "row group {g}, column `{}`: its data ({length} bytes at offset {start}) \
                     lies outside the file ({size} bytes)",
                    column.column_path()
                )));
            }
        }
    }
    Ok(())
}

/// An Arrow IPC file: message frames that fit in the file (what the reader would allocate
/// is bounded by the file's size), and a footer or stream header the reader accepts.
fn check_ipc(file: &Path) -> Result<()> {
    let Ok(mut handle) = std::fs::File::open(file) else {
        return Ok(());
    };
    let len = handle.metadata().map(|m| m.len()).unwrap_or(0);
    crate::ipc_frames::check_frames(&mut handle, len)
        .map_err(|e| bad(file, format!("not a valid Arrow IPC file ({e})")))?;
    // The IPC file format, or the stream format (which the reader accepts too).
    let opened = assay_runtime::fault::isolate(|| {
        let mut reader = std::io::BufReader::new(handle);
        match arrow::ipc::reader::FileReader::try_new(&mut reader, None) {
            Ok(_) => Ok(()),
            Err(file_error) => {
                reader.seek(SeekFrom::Start(0))?;
                arrow::ipc::reader::StreamReader::try_new(&mut reader, None)
                    .map(|_| ())
                    .map_err(|_| file_error)
            }
        }
    });
    match opened {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(bad(file, format!("not a valid Arrow IPC file ({e})"))),
        Err(fault) => Err(bad(
            file,
            format!(
                "not a valid Arrow IPC file (the reader failed: {})",
                fault.trim_start_matches("internal error: ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(paths: Vec<String>) -> SourceSpec {
        SourceSpec {
            paths,
            format: None,
            csv: CsvSettings::default(),
        }
    }

    #[test]
    fn csv_headers_with_a_repeated_or_different_column_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "x,\"y\",x\n1,2,3\n").unwrap();
        let e = check_local_files(&spec(vec![a.display().to_string()]), DataFormat::Csv)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("a.csv") && e.contains("`x` appears twice") && e.contains("fields 1 and 3"),
            "{e}"
        );
        let d = dir.path().join("parts");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("1.csv"), "x,y\n1,2\n").unwrap();
        std::fs::write(d.join("2.csv"), "x,z\n1,2\n").unwrap();
        let e = check_local_files(&spec(vec![d.display().to_string()]), DataFormat::Csv)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("2.csv") && e.contains("differs") && e.contains("1.csv"),
            "{e}"
        );
    }

    #[test]
    fn parquet_frames_are_checked_before_the_reader() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.parquet");
        // "PAR1" + 100 bytes + "PAR1": the file that made the reader panic.
        let mut bytes = b"PAR1".to_vec();
        bytes.extend((0..100u8).map(|i| i.wrapping_mul(37)));
        bytes.extend(b"PAR1");
        std::fs::write(&f, &bytes).unwrap();
        let e = check_local_files(&spec(vec![f.display().to_string()]), DataFormat::Parquet)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x.parquet") && e.contains("not a valid Parquet file"),
            "{e}"
        );
        std::fs::write(&f, b"PAR1 nothing else here").unwrap();
        let e = check_local_files(&spec(vec![f.display().to_string()]), DataFormat::Parquet)
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not end with"), "{e}");
    }
}
