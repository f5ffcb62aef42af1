//! Reading and classifying a server's first answer to a ClientHello.

use std::io;

use tokio::io::AsyncRead;

use crate::record::{ALERT, HANDSHAKE, Received, read_record};
use crate::server_hello::{SERVER_HELLO, ServerHelloSummary, parse_server_hello};

/// The most handshake bytes read while waiting for a whole ServerHello.
const MAX_HANDSHAKE_BYTES: usize = 64 * 1024;
/// The most records read while waiting for a ServerHello or a fatal alert.
const MAX_RECORDS: usize = 32;
/// Alert level of a fatal alert.
const FATAL: u8 = 2;
/// Alert description close_notify.
const CLOSE_NOTIFY: u8 = 0;

/// How a server answered a ClientHello.
#[derive(Debug)]
pub(crate) enum Answer {
    /// A ServerHello (or HelloRetryRequest): the server goes on with the handshake.
    Hello(ServerHelloSummary),
    /// A fatal alert (or close_notify) with this description.
    Alert(u8),
    /// The connection was closed without an answer.
    Closed,
    /// Reading failed, e.g. the connection was reset.
    Failed(io::Error),
    /// The server does not speak TLS; what it sent instead.
    NotTls(String),
    /// TLS, but not an answer a client can go on with; what was wrong.
    Unexpected(String),
}

/// Reads records from `stream` until they show how the server answered, within fixed bounds
/// on the bytes and records read (the caller bounds the time).
pub(crate) async fn read_answer<R: AsyncRead + Unpin>(stream: &mut R) -> Answer {
    let mut handshake = Vec::new();
    for _ in 0..MAX_RECORDS {
        let (content_type, fragment) = match read_record(stream).await {
            Received::Record {
                content_type,
                fragment,
            } => (content_type, fragment),
            Received::Closed => return Answer::Closed,
            Received::Failed(error) => return Answer::Failed(error),
            Received::NotTls(what) => return Answer::NotTls(what),
        };
        match content_type {
            ALERT => match fragment[..] {
                [level, description, ..] if level == FATAL || description == CLOSE_NOTIFY => {
                    return Answer::Alert(description);
                }
                [_, _, ..] => continue,
                _ => return Answer::Unexpected("a malformed alert".to_owned()),
            },
            HANDSHAKE => {
                handshake.extend_from_slice(&fragment);
                if let Some(answer) = hello_in(&handshake) {
                    return answer;
                }
                if handshake.len() > MAX_HANDSHAKE_BYTES {
                    return Answer::Unexpected("an oversized handshake message".to_owned());
                }
            }
            other => {
                return Answer::Unexpected(format!(
                    "a record of content type {other} before any ServerHello"
                ));
            }
        }
    }
    Answer::Unexpected(format!("no ServerHello in the first {MAX_RECORDS} records"))
}

/// The answer the handshake bytes received so far give, or `None` while the first message
/// is incomplete.
fn hello_in(handshake: &[u8]) -> Option<Answer> {
    let [kind, a, b, c, rest @ ..] = handshake else {
        return None;
    };
    if *kind != SERVER_HELLO {
        return Some(Answer::Unexpected(format!(
            "handshake message type {kind} instead of a ServerHello"
        )));
    }
    let length = usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c);
    let body = rest.get(..length)?;
    Some(match parse_server_hello(body) {
        Some(hello) => Answer::Hello(hello),
        None => Answer::Unexpected("a malformed ServerHello".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::record;
    use crate::server_hello::server_hello;
    use crate::version::ProtocolVersion;

    async fn answer_to(bytes: &[u8]) -> Answer {
        let mut stream = bytes;
        read_answer(&mut stream).await
    }

    #[tokio::test]
    async fn reads_a_server_hello_even_split_over_records() {
        let hello = server_hello(ProtocolVersion::Tls12, 0xC02F);
        let message = &hello[5..];
        let mut split = record(HANDSHAKE, 0x0303, &message[..3]);
        split.extend(record(HANDSHAKE, 0x0303, &message[3..]));
        for bytes in [hello.clone(), split] {
            match answer_to(&bytes).await {
                Answer::Hello(summary) => {
                    assert_eq!(summary.version, 0x0303);
                    assert_eq!(summary.suite, 0xC02F);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn skips_warnings_and_stops_at_fatal_alerts() {
        let mut bytes = record(ALERT, 0x0303, &[1, 112]);
        bytes.extend(record(ALERT, 0x0303, &[2, 70]));
        assert!(matches!(answer_to(&bytes).await, Answer::Alert(70)));
        assert!(matches!(
            answer_to(&record(ALERT, 0x0303, &[1, 0])).await,
            Answer::Alert(0)
        ));
    }

    #[tokio::test]
    async fn bounds_what_it_reads() {
        let empty = record(HANDSHAKE, 0x0303, &[]);
        assert!(matches!(
            answer_to(&empty.repeat(100)).await,
            Answer::Unexpected(_)
        ));
        let big = record(HANDSHAKE, 0x0303, &[SERVER_HELLO, 0xFF, 0xFF, 0xFF]);
        let filler = record(HANDSHAKE, 0x0303, &[0; 16384]);
        let mut bytes = big;
        for _ in 0..5 {
            bytes.extend(&filler);
        }
        assert!(matches!(answer_to(&bytes).await, Answer::Unexpected(_)));
        assert!(matches!(
            answer_to(&record(23, 0x0303, &[1])).await,
            Answer::Unexpected(_)
        ));
        assert!(matches!(answer_to(&[]).await, Answer::Closed));
    }
}
