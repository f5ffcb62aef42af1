//! Offering one protocol version and a set of suites, and classifying the answer.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

use crate::alert::alert_name;
use crate::answer::{Answer, read_answer};
use crate::client_hello::client_hello;
use crate::outcome::HandshakeOutcome;
use crate::suites::suite_name;
use crate::version::ProtocolVersion;

/// Connects to `addr`, sends a hand-built ClientHello offering exactly `version` and `suites`
/// (SNI `server_name` when it is a DNS name) and classifies the server's first answer.
///
/// A ServerHello is [`HandshakeOutcome::Accepted`] only when it agrees to the offered version
/// (or an older one the server prefers) and to an offered suite. An alert, a closed or reset
/// connection, silence until `timeout` or any other TLS answer is
/// [`HandshakeOutcome::Refused`]; a failed connection or a server that does not speak TLS is
/// [`HandshakeOutcome::Unreachable`]. `timeout` bounds the whole exchange; reads are bounded
/// in size too.
pub async fn offer(
    addr: SocketAddr,
    server_name: &str,
    version: ProtocolVersion,
    suites: &[u16],
    timeout: Duration,
) -> HandshakeOutcome {
    let deadline = Instant::now() + timeout;
    let mut stream = match timeout_at(deadline, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => {
            return HandshakeOutcome::Unreachable {
                reason: format!("cannot connect: {error}"),
            };
        }
        Err(_) => {
            return HandshakeOutcome::Unreachable {
                reason: format!("no connection within {timeout:?}"),
            };
        }
    };
    let hello = client_hello(version, suites, server_name);
    let exchange = async {
        match stream.write_all(&hello).await {
            Ok(()) => read_answer(&mut stream).await,
            Err(error) => Answer::Failed(error),
        }
    };
    match timeout_at(deadline, exchange).await {
        Ok(answer) => classify(answer, version, suites),
        Err(_) => HandshakeOutcome::Refused {
            reason: format!("no answer within {timeout:?}"),
        },
    }
}

fn classify(answer: Answer, offered: ProtocolVersion, suites: &[u16]) -> HandshakeOutcome {
    let reason = match answer {
        Answer::Hello(hello) => match ProtocolVersion::from_wire(hello.version) {
            None => format!(
                "the server answered unknown version 0x{:04x}",
                hello.version
            ),
            Some(version) if version > offered => {
                format!("the server answered {version}, newer than the offered {offered}")
            }
            Some(_) if !suites.contains(&hello.suite) => format!(
                "the server chose {}, which was not offered",
                suite_name(hello.suite)
            ),
            Some(version) => {
                return HandshakeOutcome::Accepted {
                    version,
                    suite: suite_name(hello.suite),
                };
            }
        },
        Answer::Alert(description) => format!("alert: {}", alert_name(description)),
        Answer::Closed => "connection closed".to_owned(),
        Answer::Failed(error) => match error.kind() {
            io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
            io::ErrorKind::ConnectionAborted => "connection aborted".to_owned(),
            io::ErrorKind::BrokenPipe => "connection closed".to_owned(),
            _ => format!("connection failed: {error}"),
        },
        Answer::Unexpected(what) => format!("unexpected answer: {what}"),
        Answer::NotTls(what) => {
            return HandshakeOutcome::Unreachable {
                reason: format!("not TLS: {what}"),
            };
        }
    };
    HandshakeOutcome::Refused { reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server_hello::ServerHelloSummary;

    fn hello(version: u16, suite: u16) -> Answer {
        Answer::Hello(ServerHelloSummary { version, suite })
    }

    #[test]
    fn a_server_hello_must_agree_to_the_offer() {
        let offered = [0xC02F, 0x000A];
        assert_eq!(
            classify(hello(0x0301, 0x000A), ProtocolVersion::Tls10, &offered),
            HandshakeOutcome::Accepted {
                version: ProtocolVersion::Tls10,
                suite: "TLS_RSA_WITH_3DES_EDE_CBC_SHA".to_owned()
            }
        );
        for (answer, reason) in [
            (hello(0x0303, 0xC02F), "newer than the offered TLSv1.0"),
            (hello(0x0301, 0x1301), "which was not offered"),
            (hello(0x7F1C, 0xC02F), "unknown version"),
        ] {
            match classify(answer, ProtocolVersion::Tls10, &offered) {
                HandshakeOutcome::Refused { reason: got } => assert!(got.contains(reason), "{got}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn names_alerts_and_serialises_with_a_tag() {
        let outcome = classify(Answer::Alert(70), ProtocolVersion::Tls10, &[]);
        assert_eq!(
            serde_json::to_value(&outcome).unwrap(),
            serde_json::json!({"handshake": "refused", "reason": "alert: protocol_version"})
        );
        let outcome = classify(hello(0x0304, 0x1301), ProtocolVersion::Tls13, &[0x1301]);
        assert_eq!(
            serde_json::to_value(&outcome).unwrap(),
            serde_json::json!({"handshake": "accepted", "version": "TLSv1.3", "suite": "TLS_AES_128_GCM_SHA256"})
        );
    }
}
