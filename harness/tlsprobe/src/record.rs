//! The TLS record layer: framing a message and reading one record from a peer.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

use crate::wire::{Reader, put_vec16};

/// Content type of an alert record.
pub(crate) const ALERT: u8 = 21;
/// Content type of a handshake record.
pub(crate) const HANDSHAKE: u8 = 22;
/// Length of a record header: content type, version, fragment length.
const HEADER_LEN: usize = 5;
/// The largest fragment any record may carry (RFC 5246 §6.2.3).
const MAX_FRAGMENT: usize = 16384 + 2048;

/// A record of `content_type` and `version` carrying `fragment`.
pub(crate) fn record(content_type: u8, version: u16, fragment: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + fragment.len());
    out.push(content_type);
    out.extend_from_slice(&version.to_be_bytes());
    put_vec16(&mut out, fragment);
    out
}

/// The first record in `bytes`: its content type, its version and as much of its fragment as
/// `bytes` holds. `None` when `bytes` does not start like a TLS record.
pub(crate) fn first_record(bytes: &[u8]) -> Option<(u8, u16, &[u8])> {
    let mut reader = Reader::new(bytes);
    let content_type = reader.u8()?;
    let version = reader.u16()?;
    let length = usize::from(reader.u16()?);
    if !plausible_header(content_type, version) || length > MAX_FRAGMENT {
        return None;
    }
    let fragment = &bytes[HEADER_LEN..];
    Some((
        content_type,
        version,
        &fragment[..length.min(fragment.len())],
    ))
}

/// What reading one record from a peer gave.
#[derive(Debug)]
pub(crate) enum Received {
    /// A whole record.
    Record {
        /// Its content type.
        content_type: u8,
        /// Its fragment.
        fragment: Vec<u8>,
    },
    /// The peer closed the connection before a whole record arrived.
    Closed,
    /// Reading failed, e.g. the connection was reset.
    Failed(io::Error),
    /// The bytes are not a TLS record; a short description of them.
    NotTls(String),
}

/// Reads one record from `stream`, never more than a record's maximum size.
pub(crate) async fn read_record<R: AsyncRead + Unpin>(stream: &mut R) -> Received {
    let mut header = [0u8; HEADER_LEN];
    let mut filled = 0;
    while filled < HEADER_LEN {
        match stream.read(&mut header[filled..]).await {
            Ok(0) if filled > 0 && !plausible_start(&header[..filled]) => {
                return Received::NotTls(describe(&header[..filled]));
            }
            Ok(0) => return Received::Closed,
            Ok(n) => filled += n,
            Err(error) => return Received::Failed(error),
        }
    }
    let content_type = header[0];
    let version = u16::from_be_bytes([header[1], header[2]]);
    let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
    if !plausible_header(content_type, version) {
        return Received::NotTls(describe(&header));
    }
    if length > MAX_FRAGMENT {
        return Received::NotTls(format!(
            "a record of {length} bytes, longer than TLS allows"
        ));
    }
    let mut fragment = vec![0u8; length];
    match stream.read_exact(&mut fragment).await {
        Ok(_) => Received::Record {
            content_type,
            fragment,
        },
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Received::Closed,
        Err(error) => Received::Failed(error),
    }
}

/// Whether a record header could come from SSLv3 or TLS: a known content type
/// (change_cipher_spec … heartbeat) and major version 3.
fn plausible_header(content_type: u8, version: u16) -> bool {
    (20..=24).contains(&content_type) && version >> 8 == 3
}

fn plausible_start(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(|byte| (20..=24).contains(byte))
        && bytes.get(1).is_none_or(|&major| major == 3)
}

/// The bytes as text when they are printable, otherwise in hex.
fn describe(bytes: &[u8]) -> String {
    if bytes
        .iter()
        .all(|byte| byte.is_ascii_graphic() || *byte == b' ')
    {
        format!("the server answered {:?}", String::from_utf8_lossy(bytes))
    } else {
        let hex: Vec<String> = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        format!("the server answered bytes {}", hex.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_a_record() {
        let bytes = record(ALERT, 0x0303, &[2, 70]);
        let mut stream = &bytes[..];
        match read_record(&mut stream).await {
            Received::Record {
                content_type,
                fragment,
            } => {
                assert_eq!(content_type, ALERT);
                assert_eq!(fragment, [2, 70]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(read_record(&mut stream).await, Received::Closed));
    }

    #[tokio::test]
    async fn recognises_what_is_not_tls() {
        let mut stream = &b"HTTP/1.1 400 Bad Request\r\n"[..];
        match read_record(&mut stream).await {
            Received::NotTls(description) => {
                assert!(description.contains("HTTP/"), "{description}")
            }
            other => panic!("{other:?}"),
        }
        let mut stream = &[0x16, 0x03, 0x03, 0xFF, 0xFF][..];
        assert!(matches!(
            read_record(&mut stream).await,
            Received::NotTls(_)
        ));
        let mut stream = &b"no"[..];
        assert!(matches!(
            read_record(&mut stream).await,
            Received::NotTls(_)
        ));
        let mut stream = &[0x16, 0x03, 0x03, 0x00, 0x09, 1, 2][..];
        assert!(matches!(read_record(&mut stream).await, Received::Closed));
    }

    #[test]
    fn first_record_is_tolerant() {
        let bytes = record(HANDSHAKE, 0x0301, &[1, 2, 3]);
        assert_eq!(
            first_record(&bytes),
            Some((HANDSHAKE, 0x0301, &[1, 2, 3][..]))
        );
        assert_eq!(
            first_record(&bytes[..6]),
            Some((HANDSHAKE, 0x0301, &[1][..]))
        );
        assert_eq!(first_record(&bytes[..4]), None);
        assert_eq!(first_record(b"GET / HTTP/1.1"), None);
    }
}
