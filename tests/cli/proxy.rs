//! s3scope through a real forward proxy (Debian's tinyproxy, started here on 127.0.0.1): HTTPS
//! to a TLS endpoint by CONNECT, plain HTTP, the NO_PROXY bypass, and errors that name the
//! proxy and the variable it came from (a dead proxy, one that cannot reach the endpoint).
//! `config check` shows the decision for each endpoint of the profile.

use crate::support;

use bytes::Bytes;
use s3scope_store::PutOptions;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::servers;
use tokio_rustls::rustls;

const AK: &str = "PROXYTESTAK";
const SK: &str = "proxy-test-secret-never-shown";

/// tinyproxy on 127.0.0.1, stopped on drop.
struct Tinyproxy {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Tinyproxy {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn tinyproxy_binary() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|d| d.join("tinyproxy"))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            !servers::in_ci(),
            "tinyproxy is not installed; scripts/test-all.sh installs it (apt-get install tinyproxy)"
        );
        eprintln!(
            "SKIP: tinyproxy not installed (apt-get install tinyproxy, or run scripts/test-all.sh)"
        );
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on the port; bounded, as a hang guard only.
fn wait_listening(port: u16, what: &str, child: &mut Child) {
    // As generous as the suite's other hang guards: a loaded machine may start it slowly.
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "{what} does not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn start_tinyproxy(bin: &Path, dir: &Path) -> Tinyproxy {
    let port = free_port();
    let log = dir.join("tinyproxy.log");
    let conf = dir.join("tinyproxy.conf");
    // No ConnectPort line: CONNECT to any port (the TLS endpoint's is not 443).
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile \"{}\"\nLogLevel Info\n\
             MaxClients 50\nAllow 127.0.0.1\nPidFile \"{}\"\n",
            log.display(),
            dir.join("tinyproxy.pid").display()
        ),
    )
    .unwrap();
    let mut child = Command::new(bin)
        .args(["-d", "-c"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tinyproxy starts");
    wait_listening(port, "tinyproxy", &mut child);
    Tinyproxy { child, port, log }
}

/// A TLS endpoint on 127.0.0.1 in front of the plain embedded server: a certificate for
/// 127.0.0.1 from a test CA (openssl), rustls, and bytes copied both ways.
struct TlsFront {
    port: u16,
    ca: PathBuf,
    connections: Arc<AtomicUsize>,
}

async fn start_tls_front(dir: &Path, backend: u16) -> TlsFront {
    let (ca, cert, key) = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let p = |name: &str| dir.join(name).display().to_string();
    let steps: [Vec<String>; 3] = [
        vec![
            "req".into(),
            "-x509".into(),
            "-newkey".into(),
            "rsa:2048".into(),
            "-nodes".into(),
            "-days".into(),
            "2".into(),
            "-subj".into(),
            "/CN=s3scope-test-ca".into(),
            "-keyout".into(),
            p("ca.key"),
            "-out".into(),
            p("ca.pem"),
        ],
        vec![
            "req".into(),
            "-newkey".into(),
            "rsa:2048".into(),
            "-nodes".into(),
            "-subj".into(),
            "/CN=127.0.0.1".into(),
            "-keyout".into(),
            p("key.pem"),
            "-out".into(),
            p("leaf.csr"),
        ],
        vec![
            "x509".into(),
            "-req".into(),
            "-in".into(),
            p("leaf.csr"),
            "-CA".into(),
            p("ca.pem"),
            "-CAkey".into(),
            p("ca.key"),
            "-CAcreateserial".into(),
            "-days".into(),
            "2".into(),
            "-extfile".into(),
            p("leaf.ext"),
            "-out".into(),
            p("cert.pem"),
        ],
    ];
    for args in steps {
        let out = Command::new("openssl")
            .args(&args)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    use rustls::pki_types::pem::PemObject;
    let chain: Vec<_> = rustls::pki_types::CertificateDer::pem_file_iter(&cert)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_file(&key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut plain) = tokio::net::TcpStream::connect(("127.0.0.1", backend)).await
                {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    TlsFront {
        port,
        ca,
        connections,
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    home: PathBuf,
    server: EmbeddedServer,
    proxy: Tinyproxy,
    tls: TlsFront,
    /// A port nothing listens on.
    dead: u16,
}

async fn setup() -> Option<Setup> {
    let bin = tinyproxy_binary()?;
    let dir = tempfile::tempdir().unwrap();
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.path().join("store"),
        port: 0,
        access_key: AK.into(),
        secret_key: SK.into(),
        region: "us-east-1".into(),
    })
    .await
    .unwrap();
    let store = server.store();
    store.create_bucket("data").unwrap();
    for (key, size) in [("a/1.bin", 100), ("a/2.bin", 200), ("b/3.bin", 300)] {
        store
            .put_object(
                "data",
                key,
                Bytes::from(vec![b'x'; size]),
                PutOptions::default(),
            )
            .unwrap();
    }
    let backend = url::Url::parse(&server.endpoint).unwrap().port().unwrap();
    let tls = start_tls_front(dir.path(), backend).await;
    let proxy = start_tinyproxy(&bin, dir.path());
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    Some(Setup {
        home,
        server,
        proxy,
        tls,
        dead: free_port(),
        _dir: dir,
    })
}

impl Setup {
    fn plain_endpoint(&self) -> String {
        self.server.endpoint.trim_end_matches('/').to_string()
    }
    fn tls_endpoint(&self) -> String {
        format!("https://127.0.0.1:{}", self.tls.port)
    }

    /// A config file (0600) with profile `p` on `endpoint`.
    fn config(&self, endpoint: &str, extra: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let path = self.home.join(format!("config-{n}.toml"));
        std::fs::write(
            &path,
            format!(
                "[profiles.p]\nendpoint = \"{endpoint}\"\nregion = \"us-east-1\"\npath_style = true\n\
                 access_key_id = \"{AK}\"\nsecret_access_key = \"{SK}\"\n{extra}"
            ),
        )
        .unwrap();
        std::fs::set_permissions(
            &path,
            <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
        )
        .unwrap();
        path
    }

    /// Runs s3scope with a clean environment plus `env`; (exit code, stdout, stderr).
    async fn run(
        &self,
        config: &Path,
        env: &[(&str, String)],
        args: &[&str],
    ) -> (i32, String, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_s3scope"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("S3SCOPE_CONFIG", config)
            .env("S3SCOPE_PROFILE", "p")
            .current_dir(&self.home)
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = tokio::task::spawn_blocking(move || cmd.output().expect("s3scope runs"))
            .await
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        for text in [&stdout, &stderr] {
            assert!(!text.contains(SK), "secret shown: {text}");
        }
        (out.status.code().unwrap_or(-1), stdout, stderr)
    }
}

fn objects(json: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["objects"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_by_connect_and_plain_http_go_through_the_proxy() {
    let Some(s) = setup().await else { return };
    // HTTPS: one CONNECT tunnel per connection to the TLS endpoint, TLS inside it.
    let config = s.config(
        &s.tls_endpoint(),
        &format!("ca_bundle = \"{}\"\n", s.tls.ca.display()),
    );
    let env = [("HTTPS_PROXY", s.proxy.url())];
    let (code, out, err) = s
        .run(&config, &env, &["du", "s3://data", "--format", "json"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(objects(&out), 3);
    let log = s.proxy.log();
    assert!(
        log.contains(&format!("CONNECT 127.0.0.1:{}", s.tls.port)),
        "no CONNECT in the proxy's log:\n{log}"
    );
    assert!(
        s.tls.connections.load(Ordering::SeqCst) > 0,
        "the TLS endpoint saw no connection"
    );
    let (code, out, err) = s.run(&config, &env, &["config", "check"]).await;
    assert_eq!(code, 0, "{err}");
    let row = out
        .lines()
        .find(|l| l.starts_with("proxy.s3"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        row.contains(&format!(
            "through the proxy {} from HTTPS_PROXY (NO_PROXY unset)",
            s.proxy.url()
        )),
        "{row}"
    );

    // Plain HTTP: absolute-form requests to the proxy (lowercase variable, as curl takes it).
    let config = s.config(&s.plain_endpoint(), "");
    let env = [("http_proxy", s.proxy.url())];
    let (code, out, err) = s
        .run(&config, &env, &["du", "s3://data", "--format", "json"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(objects(&out), 3);
    let log = s.proxy.log();
    assert!(
        log.contains(&format!("GET {}/data", s.plain_endpoint())),
        "no plain GET in the proxy's log:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_proxy_bypasses_a_dead_proxy_and_config_check_says_so() {
    let Some(s) = setup().await else { return };
    let dead = format!("http://127.0.0.1:{}", s.dead);
    let config = s.config(&s.plain_endpoint(), "rgw_admin = true\n");
    let env = [
        ("HTTP_PROXY", dead.clone()),
        ("HTTPS_PROXY", dead.clone()),
        ("NO_PROXY", "localhost,127.0.0.1".to_string()),
    ];
    let (code, out, err) = s
        .run(&config, &env, &["du", "s3://data", "--format", "json"])
        .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(objects(&out), 3);
    let (code, out, err) = s
        .run(&config, &env, &["config", "check", "--format", "json"])
        .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v["proxies"].as_array().unwrap();
    let services: Vec<&str> = rows
        .iter()
        .map(|r| r["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["s3", "rgw_admin"], "{v}");
    for r in rows {
        assert_eq!(r["route"], "direct", "{r}");
        assert_eq!(
            r["decision"], "direct: the host matches NO_PROXY=localhost,127.0.0.1",
            "{r}"
        );
    }
    // Without NO_PROXY, the same profile goes through the proxy, S3 and RGW admin alike.
    let (code, out, err) = s
        .run(&config, &env[..2], &["config", "check", "--format", "json"])
        .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for r in v["proxies"].as_array().unwrap() {
        assert_eq!(r["route"], "proxy", "{r}");
        assert_eq!(r["proxy"], dead.as_str(), "{r}");
        assert_eq!(r["proxy_from"], "HTTP_PROXY", "{r}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_the_proxy_and_its_variable() {
    let Some(s) = setup().await else { return };
    let dead = format!("http://127.0.0.1:{}", s.dead);
    let one = ["--max-attempts", "1"];

    // A dead proxy, plain HTTP: S3 and the RGW admin API.
    let config = s.config(&s.plain_endpoint(), "rgw_admin = true\n");
    let target = s.plain_endpoint().trim_start_matches("http://").to_string();
    let env = [("HTTP_PROXY", dead.clone())];
    let (code, _, err) = s
        .run(&config, &env, &[&one[..], &["du", "s3://data"]].concat())
        .await;
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "the proxy {dead} from HTTP_PROXY refused the connection to {target}"
        )),
        "{err}"
    );
    let (code, _, err) = s
        .run(
            &config,
            &env,
            &[
                &one[..],
                &["usage", "collect", "--source", "rgw", "--period", "1h"],
            ]
            .concat(),
        )
        .await;
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "the proxy {dead} from HTTP_PROXY refused the connection to {target}"
        )),
        "RGW admin API: {err}"
    );

    // A dead proxy for HTTPS, from ALL_PROXY.
    let config = s.config(
        &s.tls_endpoint(),
        &format!("ca_bundle = \"{}\"\n", s.tls.ca.display()),
    );
    let env = [("ALL_PROXY", dead.clone())];
    let (code, _, err) = s
        .run(&config, &env, &[&one[..], &["du", "s3://data"]].concat())
        .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "the proxy {dead} from ALL_PROXY refused the connection to 127.0.0.1:{}",
            s.tls.port
        )),
        "{err}"
    );

    // A live proxy that cannot reach the endpoint: CONNECT refused, and its own 5xx for HTTP.
    let gone = free_port();
    let config = s.config(
        &format!("https://127.0.0.1:{gone}"),
        &format!("ca_bundle = \"{}\"\n", s.tls.ca.display()),
    );
    let env = [("HTTPS_PROXY", s.proxy.url())];
    let (code, _, err) = s
        .run(&config, &env, &[&one[..], &["du", "s3://data"]].concat())
        .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "the proxy {} from HTTPS_PROXY would not open a tunnel (CONNECT) to 127.0.0.1:{gone}",
            s.proxy.url()
        )),
        "{err}"
    );
    let config = s.config(&format!("http://127.0.0.1:{gone}"), "");
    let env = [("HTTP_PROXY", s.proxy.url())];
    let (code, _, err) = s
        .run(&config, &env, &[&one[..], &["du", "s3://data"]].concat())
        .await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "came back from the proxy {} from HTTP_PROXY",
            s.proxy.url()
        )),
        "{err}"
    );
}
