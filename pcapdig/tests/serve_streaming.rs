//! `pcapdig serve` does not leak a large download's temporary file: it
//! is unlinked as soon as it is made (nothing is ever left in the
//! temporary folder) and closed when the response body is dropped, read
//! to the end or not (a client that goes away). Its own test binary, so
//! no other test's downloads are open in this process meanwhile.

mod common;
use common::pcapdig;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pcap_core::capture::PcapEncoding;
use pcap_core::capture::synth::{TrafficSpec, traffic_pcap};
use pcapdig::serve::{Limits, ServeConfig, router};
use tower::ServiceExt;

/// Open descriptors of this process on our temporary files.
fn open_temporaries() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().contains(".pcapdig-serve-"))
        .count()
}

#[tokio::test]
async fn a_dropped_download_closes_its_temporary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cap = dir.path().join("big.pcap");
    let spec = TrafficSpec {
        packets: 6_000,
        flows: 1,
        ..TrafficSpec::default()
    };
    std::fs::write(&cap, traffic_pcap(spec, PcapEncoding::NATIVE_MICRO)).expect("write");
    let db = dir.path().join("s.db");
    let out = pcapdig(&[
        "index",
        "--db",
        db.to_str().expect("utf-8"),
        cap.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success());
    let app = router(ServeConfig {
        db,
        ctx: pcapdig::Context::default(),
        limits: Limits::default(),
    });
    let before = open_temporaries();
    for _ in 0..3 {
        let request = Request::get("/api/pcap")
            .body(Body::empty())
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        let len: u64 = response.headers()["content-length"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("length");
        assert!(len > 1 << 20, "{len}: large enough for a temporary file");
        // Streaming from the (unlinked) temporary file, not yet read.
        assert_eq!(open_temporaries(), before + 1);
        let temp = std::env::temp_dir();
        let left = std::fs::read_dir(&temp)
            .expect("temp dir")
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!(".pcapdig-serve-{}-", std::process::id()))
            })
            .count();
        assert_eq!(left, 0, "nothing named in {}", temp.display());
        // The client goes away.
        drop(response);
        assert_eq!(open_temporaries(), before);
    }
}
