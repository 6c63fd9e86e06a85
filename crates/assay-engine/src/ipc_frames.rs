//! The framing of Arrow IPC data checked before a reader sees it.
//!
//! arrow-ipc's readers allocate what a message declares before reading it: a 640-byte stream
//! whose second message declares 1.9 GB of metadata made the service allocate 2 GB (found by the
//! `ingest_arrow` fuzz target). [`check_frames`] walks the messages (stream format) or the
//! footer's blocks (file format) and refuses any length that points past the end of the data, so
//! what a reader allocates is bounded by the size of what was sent.

use std::io::{Read, Seek, SeekFrom};

const MAGIC: &[u8; 6] = b"ARROW1";
const CONTINUATION: u32 = 0xFFFF_FFFF;

/// Checks the message frames of Arrow IPC data of `len` bytes (the file format when it starts
/// with `ARROW1`, else the stream format): every declared metadata and body length fits in the
/// data and every message header is a valid flatbuffer. `Err` says what is wrong and where.
pub fn check_frames<R: Read + Seek>(reader: &mut R, len: u64) -> Result<(), String> {
    let mut head = [0u8; 6];
    reader.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let is_file = len >= 6 && read_exact(reader, &mut head).is_ok() && &head == MAGIC;
    if is_file {
        check_file(reader, len)
    } else {
        check_stream(reader, 0, len)
    }
}

fn read_exact<R: Read>(reader: &mut R, buf: &mut [u8]) -> Result<(), String> {
    reader.read_exact(buf).map_err(|e| e.to_string())
}

fn read_u32<R: Read>(reader: &mut R) -> Result<u32, String> {
    let mut bytes = [0u8; 4];
    read_exact(reader, &mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

/// Walks the messages of a stream from byte `start` to `end`.
fn check_stream<R: Read + Seek>(reader: &mut R, start: u64, end: u64) -> Result<(), String> {
    let mut at = start;
    reader
        .seek(SeekFrom::Start(at))
        .map_err(|e| e.to_string())?;
    loop {
        let remaining = end - at;
        if remaining == 0 {
            return Ok(()); // a stream may end without its end-of-stream marker
        }
        if remaining < 4 {
            return Err(format!("truncated message header at byte {at}"));
        }
        let mut prefix = 4u64;
        let mut declared = read_u32(reader)?;
        if declared == CONTINUATION {
            if remaining < 8 {
                return Err(format!("truncated message header at byte {at}"));
            }
            prefix = 8;
            declared = read_u32(reader)?;
        }
        let meta_len = i32::from_le_bytes(declared.to_le_bytes());
        if meta_len == 0 {
            return Ok(()); // end of stream
        }
        let after_prefix = remaining - prefix;
        if meta_len < 0 || meta_len as u64 > after_prefix {
            return Err(format!(
                "the message at byte {at} declares {meta_len} bytes of metadata, but only \
                 {after_prefix} bytes follow"
            ));
        }
        let mut meta = vec![0u8; meta_len as usize];
        read_exact(reader, &mut meta)?;
        let message = arrow::ipc::root_as_message(&meta)
            .map_err(|e| format!("the message at byte {at} is not a valid header ({e})"))?;
        let body = message.bodyLength();
        let after_meta = after_prefix - meta_len as u64;
        if body < 0 || body as u64 > after_meta {
            return Err(format!(
                "the message at byte {at} declares a body of {body} bytes, but only {after_meta} \
                 bytes follow"
            ));
        }
        at += prefix + meta_len as u64 + body as u64;
        reader
            .seek(SeekFrom::Start(at))
            .map_err(|e| e.to_string())?;
    }
}

/// The file format: `ARROW1`, padding, a stream, the footer, its length and `ARROW1`.
fn check_file<R: Read + Seek>(reader: &mut R, len: u64) -> Result<(), String> {
    // The smallest file: magic and padding (8), an empty footer length (4) and magic (6).
    if len < 18 {
        return Err(format!("{len} bytes are too few for an Arrow IPC file"));
    }
    let mut tail = [0u8; 10];
    reader
        .seek(SeekFrom::Start(len - 10))
        .map_err(|e| e.to_string())?;
    read_exact(reader, &mut tail)?;
    if &tail[4..] != MAGIC {
        return Err("the file does not end with the ARROW1 magic bytes".into());
    }
    let footer_len = i32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    let room = len - 18;
    if footer_len < 0 || footer_len as u64 > room {
        return Err(format!(
            "the footer declares {footer_len} bytes, but the file has room for {room}"
        ));
    }
    let footer_start = len - 10 - footer_len as u64;
    let mut footer = vec![0u8; footer_len as usize];
    reader
        .seek(SeekFrom::Start(footer_start))
        .map_err(|e| e.to_string())?;
    read_exact(reader, &mut footer)?;
    let footer = arrow::ipc::root_as_footer(&footer)
        .map_err(|e| format!("the footer is not valid ({e})"))?;
    let blocks = footer
        .recordBatches()
        .into_iter()
        .flatten()
        .chain(footer.dictionaries().into_iter().flatten());
    for block in blocks {
        let (offset, meta, body) = (block.offset(), block.metaDataLength(), block.bodyLength());
        let end = (offset >= 8 && meta >= 0 && body >= 0)
            .then(|| {
                (offset as u64)
                    .checked_add(meta as u64)?
                    .checked_add(body as u64)
            })
            .flatten();
        match end {
            Some(end) if end <= footer_start => {
                // The message inside the block must fit the block.
                check_stream(reader, offset as u64, end)?;
            }
            _ => {
                return Err(format!(
                    "a block of the footer (offset {offset}, {meta} bytes of metadata, a body of \
                     {body} bytes) points outside the data"
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::sync::Arc;

    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;

    use super::*;

    fn batch() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from(vec![1, 2, 3]))]).unwrap()
    }

    fn stream() -> Vec<u8> {
        let b = batch();
        let mut w = arrow::ipc::writer::StreamWriter::try_new(Vec::new(), &b.schema()).unwrap();
        w.write(&b).unwrap();
        w.write(&b).unwrap();
        w.finish().unwrap();
        w.into_inner().unwrap()
    }

    fn file() -> Vec<u8> {
        let b = batch();
        let mut w = arrow::ipc::writer::FileWriter::try_new(Vec::new(), &b.schema()).unwrap();
        w.write(&b).unwrap();
        w.finish().unwrap();
        w.into_inner().unwrap()
    }

    fn check(bytes: &[u8]) -> Result<(), String> {
        check_frames(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn written_streams_and_files_pass_and_their_prefixes_are_refused() {
        for data in [stream(), file()] {
            assert_eq!(check(&data), Ok(()));
            // Every cut inside a message is refused (cuts between messages are a shorter stream).
            let refused = (1..data.len())
                .filter(|&n| check(&data[..n]).is_err())
                .count();
            assert!(refused > data.len() / 2, "{refused} of {} cuts", data.len());
        }
    }

    #[test]
    fn a_declared_metadata_length_past_the_end_is_refused_before_any_allocation() {
        let mut data = stream();
        // The schema message's length is at bytes 4..8; say 1.9 GB.
        data[4..8].copy_from_slice(&1_953_391_990i32.to_le_bytes());
        let error = check(&data).unwrap_err();
        assert_eq!(
            error,
            format!(
                "the message at byte 0 declares 1953391990 bytes of metadata, but only {} bytes \
                 follow",
                data.len() - 8
            )
        );
    }

    #[test]
    fn a_body_length_past_the_end_is_refused() {
        let data = stream();
        let cut = data.len() - 8 - 4; // drop the end-of-stream marker and a few body bytes
        let error = check(&data[..cut]).unwrap_err();
        assert!(error.contains("declares a body of"), "{error}");
    }

    #[test]
    fn a_footer_longer_than_the_file_is_refused() {
        let mut data = file();
        let n = data.len();
        data[n - 10..n - 6].copy_from_slice(&i32::MAX.to_le_bytes());
        let error = check(&data).unwrap_err();
        assert!(
            error.starts_with("the footer declares 2147483647 bytes"),
            "{error}"
        );
    }
}
