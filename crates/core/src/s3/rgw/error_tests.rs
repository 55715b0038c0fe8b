//! Tests of the RGW error classification: codes in bodies, statuses, transience, wording.

use super::*;

fn ctx() -> CallContext<'static> {
    CallContext {
        endpoint: "http://127.0.0.1:1",
        https: false,
        access_key: "AKEXAMPLE",
        profile: Some("ceph"),
        cap: "usage=read",
        bucket: Some("b1"),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(60),
    }
}

#[test]
fn error_codes_are_found_in_json_and_xml_bodies() {
    let json = br#"{"Code":"NoSuchBucket","RequestId":"tx1","HostId":"h"}"#;
    assert_eq!(error_code(json), ("NoSuchBucket".into(), String::new()));
    let xml = b"<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>no\x1b[31m</Message></Error>";
    assert_eq!(
        error_code(xml),
        ("AccessDenied".into(), "no\\x1b[31m".into())
    );
    assert_eq!(error_code(b""), (String::new(), String::new()));
}

#[test]
fn statuses_map_to_actionable_errors() {
    let c = ctx();
    let e = c.status(403, br#"{"Code":"AccessDenied"}"#);
    assert!(matches!(
        e,
        RgwError::MissingCap {
            cap: "usage=read",
            ..
        }
    ));
    assert!(
        e.to_string()
            .contains("radosgw-admin caps add --uid=USER --caps=usage=read"),
        "{e}"
    );
    let e = c.status(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>");
    assert!(
        e.to_string()
            .contains("check the secret key of profile `ceph`"),
        "{e}"
    );
    let e = c.status(403, br#"{"Code":"InvalidAccessKeyId"}"#);
    assert!(
        e.to_string()
            .contains("does not know the access key AKEXAMPLE"),
        "{e}"
    );
    let e = c.status(404, br#"{"Code":"NoSuchBucket"}"#);
    assert_eq!(
        e.to_string(),
        "bucket `b1` does not exist on http://127.0.0.1:1"
    );
    let e = c.status(400, br#"{"Code":"InvalidArgument"}"#);
    assert_eq!(
        e.to_string(),
        "the RGW admin API at http://127.0.0.1:1 answered HTTP 400 InvalidArgument"
    );
    let e = c.status(503, b"");
    assert_eq!(
        e.to_string(),
        "the RGW admin API at http://127.0.0.1:1 answered HTTP 503"
    );
    assert_eq!(e.transience(), Transience::Throttled);
}

#[test]
fn only_hiccups_are_retried() {
    let c = ctx();
    let slow = c.status(503, b"<Error><Code>SlowDown</Code></Error>");
    assert_eq!(slow.transience(), Transience::Throttled);
    assert_eq!(c.status(500, b"").transience(), Transience::Transient);
    for status in [400, 403, 404] {
        assert_eq!(c.status(status, b"").transience(), Transience::Permanent);
    }
    let e = c.status(403, br#"{"Code":"SignatureDoesNotMatch"}"#);
    assert_eq!(e.transience(), Transience::Permanent);
    let refused = RgwError::Unreachable {
        endpoint: "http://h".into(),
        reason: REFUSED.into(),
    };
    assert_eq!(refused.transience(), Transience::Permanent);
    let reset = RgwError::Transport {
        endpoint: "http://h".into(),
        reason: "connection reset by peer".into(),
    };
    assert_eq!(reset.transience(), Transience::Transient);
}

#[test]
fn timeouts_name_the_knob_to_raise() {
    let e = RgwError::Timeout {
        endpoint: "http://h".into(),
        connecting: false,
        after: Duration::from_secs(60),
    };
    assert_eq!(
        e.to_string(),
        "the RGW admin API at http://h did not answer within 60 s; check the network, or raise read_timeout_secs of the profile"
    );
    assert!(e.is_transport());
}

#[test]
fn long_server_text_is_cut() {
    let long = format!(r#"{{"Code":"X","Message":"{}"}}"#, "m".repeat(500));
    let (_, message) = error_code(long.as_bytes());
    assert_eq!(message.chars().count(), 201);
}
