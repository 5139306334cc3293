//! HTTP proxies: the settings (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, or set in code), the
//! choice of proxy for a request, and the wire parts both transports share: the `CONNECT`
//! request and the reading of its answer for `https` targets (TLS then runs with the target
//! inside the tunnel), the absolute-form request for `http` targets.
//!
//! Precedence: what is set in code on [`ProxyConfig`] replaces what the environment gave
//! (lower-case variables before upper-case, as curl reads them); `NO_PROXY` rules always
//! apply, whoever set the proxy; loopback, link-local (`169.254.0.0/16`, `fe80::/10`, which
//! hold the EC2 instance metadata service and the ECS/EKS container credential endpoints) and
//! the IPv6 metadata addresses (`fd00:ec2::/64`) never go through a proxy, whatever the
//! settings (credentials from those endpoints must not pass a third party).

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;

use crate::client::http1::{Target, MAX_HEAD};
use crate::config::Env;
use crate::error::{TransportError, TransportErrorKind};

/// An HTTP proxy: `http://[user[:password]@]host[:port]` (port 80 when absent; a URL without
/// a scheme is taken as `http://`). Credentials are sent as `Proxy-Authorization: Basic` and
/// never shown: `Debug` and `Display` print the scheme, host and port only.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    host: String,
    port: u16,
    /// `Basic <base64(user:password)>`, when the URL has credentials.
    authorization: Option<String>,
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ProxyUrl");
        s.field("host", &self.host).field("port", &self.port);
        if self.authorization.is_some() {
            s.field("credentials", &"** redacted **");
        }
        s.finish()
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "http://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "http://{}:{}", self.host, self.port)
        }
    }
}

/// A proxy URL or `NO_PROXY` list that cannot be used. The message never holds credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyError(String);

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProxyError {}

fn percent_decode(text: &str) -> Result<String, ProxyError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(hex.ok_or_else(|| {
                ProxyError("the proxy URL's credentials have an invalid %-escape".to_owned())
            })?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| ProxyError("the proxy URL's credentials are not UTF-8".to_owned()))
}

/// Splits `host[:port]` or `[v6][:port]`; the host without brackets.
fn split_host_port(text: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    match text.split_once(':') {
        Some((host, port)) if !port.contains(':') => Some((host, Some(port))),
        Some(_) => None,
        None => Some((text, None)),
    }
}

impl ProxyUrl {
    /// Parses a proxy URL.
    ///
    /// # Errors
    /// A scheme other than `http` (TLS to the proxy and SOCKS are not supported), no host, a
    /// bad port, a path, or bad %-escapes in the credentials. The message never repeats the
    /// credentials.
    pub fn parse(url: &str) -> Result<ProxyUrl, ProxyError> {
        let url = url.trim();
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => {
                return Err(ProxyError(format!(
                    "proxy scheme `{scheme}` is not supported (only `http://` proxies; HTTPS requests reach them through CONNECT)"
                )))
            }
            None => url,
        };
        let authority = match rest.find(['/', '?', '#']) {
            Some(i) if rest[i..] == *"/" => &rest[..i],
            Some(_) => {
                return Err(ProxyError(
                    "a proxy URL must not have a path, query or fragment".to_owned(),
                ))
            }
            None => rest,
        };
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport)
            .ok_or_else(|| ProxyError("the proxy URL's host is invalid".to_owned()))?;
        if host.is_empty()
            || host.contains(|c: char| c.is_whitespace() || c.is_control() || "/\\@".contains(c))
        {
            return Err(ProxyError("the proxy URL has no valid host".to_owned()));
        }
        if host.contains(':') && host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(ProxyError(
                "the proxy URL's IPv6 address is invalid".to_owned(),
            ));
        }
        let port = match port {
            None => 80,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| ProxyError(format!("proxy `{host}` has an invalid port")))?,
        };
        let authorization = match userinfo {
            None => None,
            Some(info) => {
                let (user, password) = info.split_once(':').unwrap_or((info, ""));
                let credentials =
                    format!("{}:{}", percent_decode(user)?, percent_decode(password)?);
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(credentials)
                ))
            }
        };
        Ok(ProxyUrl {
            host: host.to_ascii_lowercase(),
            port,
            authorization,
        })
    }

    /// The proxy's host (without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the URL carried credentials.
    pub fn has_credentials(&self) -> bool {
        self.authorization.is_some()
    }

    /// Where to connect: the proxy as a [`Target`] (plain TCP).
    pub(crate) fn target(&self) -> Target {
        Target {
            tls: false,
            host: self.host.clone(),
            port: self.port,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    /// `*`: no proxy for any host.
    All,
    /// `example.com`, `.example.com`, `*.example.com`: the domain and its subdomains.
    Domain(String, Option<u16>),
    /// An IP address.
    Ip(IpAddr, Option<u16>),
    /// An address range, `10.0.0.0/8`, `fd00::/8`.
    Cidr(IpAddr, u8),
}

/// The hosts that never go through a proxy: `NO_PROXY`'s comma-separated list of host names
/// (`example.com`, `.example.com` and `*.example.com` each match the domain and its
/// subdomains, as curl does), IP addresses, CIDR ranges, any of those with `:port` (then only
/// that port; `[v6]:port` for IPv6), and `*` for every host. Names are matched as written:
/// no name is resolved to decide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    rules: Vec<Rule>,
}

impl NoProxy {
    /// Parses a `NO_PROXY` value.
    ///
    /// # Errors
    /// An entry that is none of the forms above (a bad port or prefix length), named.
    pub fn parse(list: &str) -> Result<NoProxy, ProxyError> {
        let mut rules = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = |why: &str| ProxyError(format!("NO_PROXY entry `{entry}` {why}"));
            if entry == "*" {
                rules.push(Rule::All);
                continue;
            }
            if let Some((addr, bits)) = entry.split_once('/') {
                let addr: IpAddr = addr
                    .parse()
                    .map_err(|_| bad("is not an address range (address/bits)"))?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                let bits = bits
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| bad("has an invalid prefix length"))?;
                rules.push(Rule::Cidr(addr, bits));
                continue;
            }
            if let Ok(ip) = entry.parse::<IpAddr>() {
                rules.push(Rule::Ip(ip, None));
                continue;
            }
            let (host, port) = split_host_port(entry)
                .ok_or_else(|| bad("is not a host, address, range or host:port"))?;
            let port = match port {
                None => None,
                Some(p) => Some(p.parse::<u16>().map_err(|_| bad("has an invalid port"))?),
            };
            match host.parse::<IpAddr>() {
                Ok(ip) => rules.push(Rule::Ip(ip, port)),
                Err(_) => {
                    let domain = host
                        .trim_start_matches("*.")
                        .trim_start_matches('.')
                        .trim_end_matches('.')
                        .to_ascii_lowercase();
                    if domain.is_empty() {
                        return Err(bad("has no host"));
                    }
                    rules.push(Rule::Domain(domain, port));
                }
            }
        }
        Ok(NoProxy { rules })
    }

    /// Whether a request to `host` (without brackets) and `port` goes direct.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        let port_ok = |p: &Option<u16>| p.is_none_or(|p| p == port);
        let ip = host.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        self.rules.iter().any(|rule| match (rule, ip) {
            (Rule::All, _) => true,
            (Rule::Ip(want, p), Some(ip)) => want.to_canonical() == ip && port_ok(p),
            (Rule::Cidr(net, bits), Some(ip)) => in_range(ip, *net, *bits),
            (Rule::Domain(d, p), None) => {
                (name == *d || name.ends_with(&format!(".{d}"))) && port_ok(p)
            }
            _ => false,
        })
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn in_range(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net.to_canonical()) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(bits))
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(bits))
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Whether `host` must never go through a proxy: loopback (`localhost`, `127.0.0.0/8`,
/// `::1`), link-local (`169.254.0.0/16` with IMDS `169.254.169.254` and the container
/// endpoints `169.254.170.2` and `169.254.170.23`; `fe80::/10`) and the EC2 IPv6 metadata
/// range (`fd00:ec2::/64`, IMDS `fd00:ec2::254`, container `fd00:ec2::23`).
pub fn always_direct(host: &str) -> bool {
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V4(v4)) => v4.is_loopback() || v4.is_link_local(),
        Ok(IpAddr::V6(v6)) => {
            let bits = u128::from(v6);
            let metadata = u128::from(
                "fd00:ec2::"
                    .parse::<std::net::Ipv6Addr>()
                    .unwrap_or(std::net::Ipv6Addr::UNSPECIFIED),
            );
            v6.is_loopback() || bits >> 118 == 0xfe80 >> 6 || bits >> 64 == metadata >> 64
        }
        Err(_) => false,
    }
}

/// Proxy settings of a client (`ClientConfig::proxy`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    /// The proxy for `http://` endpoints (`http_proxy`, else `HTTP_PROXY`).
    pub http: Option<ProxyUrl>,
    /// The proxy for `https://` endpoints (`https_proxy`, else `HTTPS_PROXY`).
    pub https: Option<ProxyUrl>,
    /// Hosts that go direct (`no_proxy`, else `NO_PROXY`); applies to proxies set in code too.
    pub no_proxy: NoProxy,
}

impl ProxyConfig {
    /// No proxy.
    pub fn none() -> Self {
        ProxyConfig::default()
    }

    /// Reads `https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY` and `no_proxy`/`NO_PROXY`
    /// (lower case first, as curl does). Inside a CGI program (`REQUEST_METHOD` set) the
    /// upper-case `HTTP_PROXY` is ignored, since a client can set it with a `Proxy:` header.
    ///
    /// # Errors
    /// A value that cannot be used, naming the variable (never its credentials).
    pub fn from_env(env: &dyn Env) -> Result<Self, ProxyError> {
        let read = |lower: &str, upper: &str| -> Result<Option<(String, String)>, ProxyError> {
            for name in [lower, upper] {
                if let Some(v) = env
                    .var(name)
                    .map_err(|_| ProxyError(format!("environment variable {name} is not UTF-8")))?
                {
                    return Ok(Some((name.to_owned(), v)));
                }
            }
            Ok(None)
        };
        let url = |found: Option<(String, String)>| -> Result<Option<ProxyUrl>, ProxyError> {
            found
                .map(|(name, v)| {
                    ProxyUrl::parse(&v)
                        .map_err(|e| ProxyError(format!("environment variable {name}: {e}")))
                })
                .transpose()
        };
        let no_proxy = match read("no_proxy", "NO_PROXY")? {
            Some((name, v)) => NoProxy::parse(&v)
                .map_err(|e| ProxyError(format!("environment variable {name}: {e}")))?,
            None => NoProxy::default(),
        };
        // In a CGI program `HTTP_PROXY` can come from a request's `Proxy:` header ("httpoxy"):
        // there only the lower-case variable counts, as Python's urllib decides.
        let cgi = env.var("REQUEST_METHOD").ok().flatten().is_some();
        let http = if cgi {
            read("http_proxy", "http_proxy")?
        } else {
            read("http_proxy", "HTTP_PROXY")?
        };
        Ok(ProxyConfig {
            http: url(http)?,
            https: url(read("https_proxy", "HTTPS_PROXY")?)?,
            no_proxy,
        })
    }

    /// The proxy a request to `target` goes through, or `None` for a direct connection.
    pub(crate) fn route(&self, target: &Target) -> Option<&ProxyUrl> {
        if always_direct(&target.host) || self.no_proxy.matches(&target.host, target.port) {
            return None;
        }
        if target.tls {
            self.https.as_ref()
        } else {
            self.http.as_ref()
        }
    }

    /// Whether requests to `url` (`scheme://host[:port]...`) go through a proxy, and which.
    pub fn proxy_for(&self, url: &str) -> Option<&ProxyUrl> {
        let uri: http::Uri = url.parse().ok()?;
        self.route(&Target::of(&uri).ok()?)
    }
}

fn authority(target: &Target) -> String {
    if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    }
}

/// The authority of an absolute-form target: without the default port 80, as the signed `host`
/// header has it (`invoke::prepare_request`). A proxy puts the target's authority in the
/// `Host` it passes on (RFC 9112, section 3.2.2); `h:80` there would break a signature made
/// for `h`.
fn origin_authority(target: &Target) -> String {
    match (target.host.contains(':'), target.port) {
        (true, 80) => format!("[{}]", target.host),
        (false, 80) => target.host.clone(),
        _ => authority(target),
    }
}

/// The `CONNECT` request that opens a tunnel to `target` through `proxy`.
pub(crate) fn connect_request(target: &Target, proxy: &ProxyUrl) -> Vec<u8> {
    let authority = authority(target);
    let mut out = format!("CONNECT {authority} HTTP/1.1\r\nhost: {authority}\r\n");
    if let Some(auth) = &proxy.authorization {
        out.push_str("proxy-authorization: ");
        out.push_str(auth);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// Rewrites an origin-form request (`encode_request`'s output) for a plain-HTTP proxy: the
/// absolute-form target (`POST http://host:port/path HTTP/1.1`) and, when the proxy has
/// credentials, `proxy-authorization`.
pub(crate) fn absolute_form(wire: &[u8], target: &Target, proxy: &ProxyUrl) -> Vec<u8> {
    let Some(space) = wire.iter().position(|&b| b == b' ') else {
        return wire.to_vec();
    };
    let Some(line_end) = wire.iter().position(|&b| b == b'\n') else {
        return wire.to_vec();
    };
    let mut out = Vec::with_capacity(wire.len() + 128);
    out.extend_from_slice(&wire[..=space]);
    out.extend_from_slice(b"http://");
    out.extend_from_slice(origin_authority(target).as_bytes());
    out.extend_from_slice(&wire[space + 1..=line_end]);
    if let Some(auth) = &proxy.authorization {
        out.extend_from_slice(b"proxy-authorization: ");
        out.extend_from_slice(auth.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(&wire[line_end + 1..]);
    out
}

/// A plain-HTTP request went through `proxy` and got `status`: a 407 is the proxy asking for
/// (other) credentials, which only a proxy sends, so it is the same typed error as a refused
/// tunnel rather than a response of the service.
pub(crate) fn check_proxied_status(
    status: u16,
    target: &Target,
    proxy: &ProxyUrl,
) -> Result<(), TransportError> {
    if status == 407 {
        return Err(TransportError::new(
            TransportErrorKind::ProxyRejected { status },
            format!(
                "proxy {proxy} answered the request to `{}` with 407 Proxy Authentication Required",
                authority(target)
            ),
        ));
    }
    Ok(())
}

/// Reads the proxy's answer to `CONNECT`: a 2xx head opens the tunnel; any other status is a
/// [`TransportErrorKind::ProxyRejected`] naming the proxy (never its credentials), the target
/// and the status.
#[derive(Debug, Default)]
pub(crate) struct ConnectReader {
    buf: Vec<u8>,
}

impl ConnectReader {
    /// Takes the next bytes; `Ok(true)` once the tunnel is open.
    pub fn feed(
        &mut self,
        data: &[u8],
        target: &Target,
        proxy: &ProxyUrl,
    ) -> Result<bool, TransportError> {
        self.buf.extend_from_slice(data);
        let Some(end) = self
            .buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| i + 4)
        else {
            if self.buf.len() > MAX_HEAD {
                return Err(self.invalid(target, proxy, "its answer's head is too large"));
            }
            return Ok(false);
        };
        let line = self.buf.split(|&b| b == b'\n').next().unwrap_or_default();
        let line = String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)).into_owned();
        let mut parts = line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        let status = parts
            .next()
            .and_then(|s| s.parse::<u16>().ok())
            .filter(|s| (100..1000).contains(s));
        let (true, Some(status)) = (version.starts_with("HTTP/1."), status) else {
            return Err(self.invalid(target, proxy, "its answer is not HTTP/1.x"));
        };
        let reason: String = parts
            .next()
            .unwrap_or_default()
            .chars()
            .take(60)
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        if !(200..300).contains(&status) {
            return Err(TransportError::new(
                TransportErrorKind::ProxyRejected { status },
                format!(
                    "proxy {proxy} answered CONNECT {} with {status} {reason}",
                    authority(target)
                ),
            ));
        }
        if end != self.buf.len() {
            return Err(self.invalid(
                target,
                proxy,
                "it sent bytes after its answer, before the TLS handshake",
            ));
        }
        Ok(true)
    }

    fn invalid(&self, target: &Target, proxy: &ProxyUrl, why: &str) -> TransportError {
        TransportError::new(
            TransportErrorKind::Connect,
            format!("proxy {proxy} for `{}`: {why}", authority(target)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MemoryEnv;

    fn https(host: &str, port: u16) -> Target {
        Target {
            tls: true,
            host: host.into(),
            port,
        }
    }

    #[test]
    fn proxy_urls_with_and_without_credentials() {
        let p = ProxyUrl::parse("http://us%40corp:p%3Ass@Proxy.Corp:3128/").unwrap();
        assert_eq!(
            (p.host(), p.port(), p.has_credentials()),
            ("proxy.corp", 3128, true)
        );
        // base64("us@corp:p:ss")
        assert_eq!(p.authorization.as_deref(), Some("Basic dXNAY29ycDpwOnNz"));
        assert_eq!(
            format!("{p:?}"),
            "ProxyUrl { host: \"proxy.corp\", port: 3128, credentials: \"** redacted **\" }"
        );
        assert_eq!(p.to_string(), "http://proxy.corp:3128");
        let bare = ProxyUrl::parse("10.0.0.1:8080").unwrap();
        assert_eq!(
            (bare.host(), bare.port(), bare.has_credentials()),
            ("10.0.0.1", 8080, false)
        );
        assert_eq!(
            ProxyUrl::parse("http://[::1]").unwrap().to_string(),
            "http://[::1]:80"
        );
        for (bad, why) in [
            ("https://user:secret@p:443", "scheme `https`"),
            ("socks5://p:1080", "scheme `socks5`"),
            ("http://user:secret@p:99999", "invalid port"),
            ("http://user:secret@/", "no valid host"),
            ("http://p:8080/path", "path"),
            ("http://us%4:secret@p", "%-escape"),
        ] {
            let e = ProxyUrl::parse(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(!e.contains("secret"), "{e}");
        }
    }

    #[test]
    fn no_proxy_matches_each_form() {
        let list = NoProxy::parse(" example.com, .internal.corp ,*.wild.test, 10.1.2.3, 192.168.0.0/16, fd12::/16, only.port:8443, [::5]:443, 172.16.0.9:80").unwrap();
        let yes = [
            ("example.com", 443),
            ("sts.example.com", 443),
            ("EXAMPLE.COM.", 443),
            ("internal.corp", 443),
            ("a.b.internal.corp", 1),
            ("wild.test", 443),
            ("x.wild.test", 443),
            ("10.1.2.3", 443),
            ("192.168.7.7", 443),
            ("fd12:3::1", 443),
            ("only.port", 8443),
            ("::5", 443),
            ("172.16.0.9", 80),
            ("::ffff:10.1.2.3", 443),
        ];
        for (host, port) in yes {
            assert!(list.matches(host, port), "{host}:{port} goes direct");
        }
        let no = [
            ("notexample.com", 443),
            ("example.com.evil", 443),
            ("corp", 443),
            ("10.1.2.4", 443),
            ("192.169.0.1", 443),
            ("fd13::1", 443),
            ("only.port", 443),
            ("::5", 80),
            ("172.16.0.9", 443),
            ("3.example", 443),
        ];
        for (host, port) in no {
            assert!(!list.matches(host, port), "{host}:{port} is proxied");
        }
        assert!(NoProxy::parse("*").unwrap().matches("anything.at.all", 1));
        assert!(NoProxy::parse("").unwrap().is_empty());
        for bad in ["10.0.0.0/33", "host:http", "nonsense/8", "h:1:2"] {
            let e = NoProxy::parse(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("`{bad}`")), "{e}");
        }
    }

    #[test]
    fn metadata_and_loopback_addresses_always_go_direct() {
        let config = ProxyConfig {
            https: ProxyUrl::parse("http://p:1").ok(),
            http: ProxyUrl::parse("http://p:1").ok(),
            no_proxy: NoProxy::default(),
        };
        for url in [
            "http://169.254.169.254/latest/api/token",
            "http://169.254.170.2/v2/credentials/x",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::254]/latest/api/token",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://127.0.0.1:8080/",
            "https://localhost/",
            "http://[::1]:9/",
            "http://[fe80::1]/",
        ] {
            assert_eq!(config.proxy_for(url), None, "{url}");
        }
        assert!(config.proxy_for("https://sts.amazonaws.com").is_some());
        assert!(
            config.proxy_for("http://[fd00:ec3::254]/").is_some(),
            "outside fd00:ec2::/64"
        );
    }

    #[test]
    fn the_environment_lower_case_first_and_no_proxy_always_wins() {
        let env = MemoryEnv::new()
            .with_var("HTTPS_PROXY", "http://upper:1")
            .with_var("https_proxy", "http://lower:2")
            .with_var("HTTP_PROXY", "plain:3")
            .with_var("NO_PROXY", ".amazonaws.com");
        let mut config = ProxyConfig::from_env(&env).unwrap();
        assert_eq!(config.https.as_ref().map(ProxyUrl::host), Some("lower"));
        assert_eq!(
            config.http.as_ref().map(|p| (p.host(), p.port())),
            Some(("plain", 3))
        );
        assert_eq!(config.route(&https("sts.amazonaws.com", 443)), None);
        assert_eq!(
            config.route(&https("sts.example", 443)).map(ProxyUrl::host),
            Some("lower")
        );
        // Set in code: replaces the environment's proxy, NO_PROXY still applies.
        config.https = Some(ProxyUrl::parse("http://code:4").unwrap());
        assert_eq!(
            config.route(&https("sts.example", 443)).map(ProxyUrl::host),
            Some("code")
        );
        assert_eq!(
            config.route(&https("sts.us-east-1.amazonaws.com", 443)),
            None
        );
        let cgi = MemoryEnv::new()
            .with_var("REQUEST_METHOD", "GET")
            .with_var("HTTP_PROXY", "http://attacker:1");
        assert_eq!(ProxyConfig::from_env(&cgi).unwrap().http, None, "httpoxy");
        let cgi = cgi.with_var("http_proxy", "http://lower:2");
        assert_eq!(
            ProxyConfig::from_env(&cgi)
                .unwrap()
                .http
                .as_ref()
                .map(ProxyUrl::host),
            Some("lower")
        );
        let bad = MemoryEnv::new().with_var("HTTPS_PROXY", "ftp://u:hunter2@p");
        let e = ProxyConfig::from_env(&bad).unwrap_err().to_string();
        assert!(e.contains("HTTPS_PROXY") && !e.contains("hunter2"), "{e}");
    }

    #[test]
    fn connect_and_absolute_form_requests() {
        let proxy = ProxyUrl::parse("http://u:pw@p:3128").unwrap();
        let target = https("sts.example", 443);
        assert_eq!(
            String::from_utf8(connect_request(&target, &proxy)).unwrap(),
            "CONNECT sts.example:443 HTTP/1.1\r\nhost: sts.example:443\r\nproxy-authorization: Basic dTpwdw==\r\n\r\n"
        );
        let plain = Target {
            tls: false,
            host: "h".into(),
            port: 8080,
        };
        let wire = b"POST /?a=1 HTTP/1.1\r\nhost: h:8080\r\n\r\nbody";
        assert_eq!(
            String::from_utf8(absolute_form(wire, &plain, &proxy)).unwrap(),
            "POST http://h:8080/?a=1 HTTP/1.1\r\nproxy-authorization: Basic dTpwdw==\r\nhost: h:8080\r\n\r\nbody"
        );
        // The default port stays out of the target, as it is out of the signed `host`.
        let default_port = Target {
            tls: false,
            host: "h".into(),
            port: 80,
        };
        let wire = b"POST / HTTP/1.1\r\nhost: h\r\n\r\n";
        assert_eq!(
            String::from_utf8(absolute_form(
                wire,
                &default_port,
                &ProxyUrl::parse("p:3128").unwrap()
            ))
            .unwrap(),
            "POST http://h/ HTTP/1.1\r\nhost: h\r\n\r\n"
        );
        let v6 = Target {
            tls: false,
            host: "fd00::1".into(),
            port: 80,
        };
        assert_eq!(
            String::from_utf8(absolute_form(b"GET / HTTP/1.1\r\n\r\n", &v6, &proxy)).unwrap(),
            "GET http://[fd00::1]/ HTTP/1.1\r\nproxy-authorization: Basic dTpwdw==\r\n\r\n"
        );
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic_on_any_text(text in "\\PC{0,40}", port in 0u16..) {
            let _ = ProxyUrl::parse(&text);
            if let Ok(list) = NoProxy::parse(&text) {
                let _ = list.matches(&text, port);
            }
            let _ = always_direct(&text);
        }

        #[test]
        fn connect_answers_in_any_split_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300), split in 0usize..300) {
            let proxy = ProxyUrl::parse("http://p:1").unwrap();
            let target = https("t", 443);
            let mut r = ConnectReader::default();
            let at = split.min(bytes.len());
            if r.feed(&bytes[..at], &target, &proxy) == Ok(false) {
                let _ = r.feed(&bytes[at..], &target, &proxy);
            }
        }
    }

    #[test]
    fn connect_answers() {
        let proxy = ProxyUrl::parse("http://user:hunter2@p:3128").unwrap();
        let target = https("sts.example", 443);
        let mut r = ConnectReader::default();
        assert!(!r
            .feed(b"HTTP/1.1 200 Connection established\r\n", &target, &proxy)
            .unwrap());
        assert!(r.feed(b"\r\n", &target, &proxy).unwrap());
        let e = ConnectReader::default()
            .feed(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
                &target,
                &proxy,
            )
            .unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::ProxyRejected { status: 407 });
        let text = e.to_string();
        assert!(
            text.contains("http://p:3128")
                && text.contains("407")
                && text.contains("sts.example:443")
                && !text.contains("hunter2"),
            "{text}"
        );
        assert!(!e.is_transient());
        let e = ConnectReader::default()
            .feed(b"SSH-2.0\r\n\r\n", &target, &proxy)
            .unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect);
        let e = ConnectReader::default()
            .feed(b"HTTP/1.1 200 OK\r\n\r\nxx", &target, &proxy)
            .unwrap_err();
        assert!(e.to_string().contains("bytes after"), "{e}");
    }
}
