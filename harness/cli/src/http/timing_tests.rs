//! The client's timeout against a real socket: a response that never comes, a body that
//! stalls, and a large body that waits for the run's large-body permit (which the timeout
//! must not count).

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{BodyBudget, Client, ClientOptions, LARGE_BODY_BYTES, RequestSpec, Target, admit_body};

/// How the test server answers each connection.
#[derive(Clone, Copy)]
enum Answer {
    /// Never answers.
    Silent,
    /// Headers announcing 100 bytes, 10 bytes, then nothing.
    Stalls,
    /// A whole body of this many bytes.
    Body(usize),
}

async fn serve(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(respond(socket, answer));
        }
    });
    format!("http://{address}/fhir")
}

async fn respond(mut socket: TcpStream, answer: Answer) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let head = |length: usize| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    let _ = match answer {
        Answer::Silent => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        }
        Answer::Stalls => {
            let _ = socket.write_all(head(100).as_bytes()).await;
            let _ = socket.write_all(&[b' '; 10]).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        }
        Answer::Body(length) => {
            let _ = socket.write_all(head(length).as_bytes()).await;
            socket.write_all(&vec![b' '; length]).await
        }
    };
}

fn client(base: &str, timeout: Duration) -> Client {
    Client::new(
        base,
        ClientOptions {
            timeout,
            retries: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

fn read() -> RequestSpec {
    RequestSpec::new("GET", Target::Segments(vec!["Patient".into()]))
}

#[tokio::test]
async fn no_answer_within_the_timeout_is_a_timeout() {
    let client = client(&serve(Answer::Silent).await, Duration::from_millis(300));
    let started = Instant::now();
    let sent = client.send(&read()).await.unwrap();
    assert!(sent.response.is_none());
    assert_eq!(
        sent.exchange.error.as_deref(),
        Some("timed out after 300ms")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_body_that_stalls_is_incomplete_and_kept_as_far_as_it_came() {
    let client = client(&serve(Answer::Stalls).await, Duration::from_millis(300));
    let started = Instant::now();
    let sent = client.send(&read()).await.unwrap();
    assert!(sent.response.is_none(), "an incomplete body is not judged");
    assert_eq!(
        sent.exchange.error.as_deref(),
        Some("response body incomplete: timed out after 300ms")
    );
    let recorded = sent
        .exchange
        .response
        .expect("the status and headers are kept");
    assert!(recorded.body_truncated);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_large_body_waits_for_the_permit_without_timing_out() {
    let length = 2 * LARGE_BODY_BYTES;
    let base = serve(Answer::Body(length)).await;
    let budget = BodyBudget::default();
    let (held, mut holding) = tokio::sync::mpsc::channel(1);
    let holder = tokio::spawn({
        let budget = budget.clone();
        async move {
            budget
                .scope(async {
                    admit_body(LARGE_BODY_BYTES + 1).await;
                    held.send(()).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                })
                .await
        }
    });
    holding.recv().await.unwrap();
    let client = client(&base, Duration::from_millis(700));
    let started = Instant::now();
    let sent = budget.scope(client.send(&read())).await.unwrap();
    let waited = started.elapsed();
    holder.await.unwrap();
    assert_eq!(
        sent.exchange.error, None,
        "the wait was counted as time out"
    );
    assert_eq!(sent.response.expect("a whole response").body.len(), length);
    assert!(
        waited >= Duration::from_millis(1000),
        "the body was read without the permit (in {waited:?})"
    );
}
