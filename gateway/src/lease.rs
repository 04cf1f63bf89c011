//! Which relay replica publishes: a lease in Redis. One replica holds it and renews it; the
//! others keep their mirrors warm and take it when it lapses. The holder stops publishing
//! the moment a renewal fails or is late, so two replicas never publish at once for longer
//! than the time one Redis round trip can take.
//!
//! Only three commands are needed (`SET … NX PX`, a compare-and-renew script, a
//! compare-and-delete script), so the RESP protocol is spoken here directly.

use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The lease's lifetime; it is renewed every third of it.
pub const TTL: Duration = Duration::from_millis(3_000);
const KEY: &str = "courtside:relay:lease";
const RENEW: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
/// A reply longer than this is not from the Redis we expect.
const MAX_REPLY: usize = 64 * 1024;

#[derive(Debug, PartialEq, Eq)]
enum Reply {
    Ok,
    Nil,
    Int(i64),
    Bulk(Vec<u8>),
}

pub struct Redis {
    stream: BufReader<TcpStream>,
}

impl Redis {
    /// `redis://HOST:PORT[/DB]` (no password: loopback or a private network).
    pub async fn connect(url: &str) -> std::io::Result<Redis> {
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "expected redis://HOST:PORT");
        let rest = url.strip_prefix("redis://").ok_or_else(bad)?;
        let host_port = rest.split('/').next().ok_or_else(bad)?;
        let stream = tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(host_port))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "redis connect timed out"))??;
        stream.set_nodelay(true)?;
        Ok(Redis { stream: BufReader::new(stream) })
    }

    async fn command(&mut self, args: &[&str]) -> std::io::Result<Reply> {
        let mut out = format!("*{}\r\n", args.len());
        for a in args {
            out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        let io = async {
            self.stream.get_mut().write_all(out.as_bytes()).await?;
            self.read_reply().await
        };
        tokio::time::timeout(Duration::from_millis(800), io)
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "redis did not answer in time"))?
    }

    async fn read_reply(&mut self) -> std::io::Result<Reply> {
        let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
        let mut line = String::new();
        (&mut self.stream).take(MAX_REPLY as u64).read_line(&mut line).await?;
        let line = line.trim_end_matches(['\r', '\n']);
        let (kind, rest) = line.split_at_checked(1).ok_or_else(|| invalid("empty reply"))?;
        match kind {
            "+" => Ok(Reply::Ok),
            "-" => Err(std::io::Error::other(format!("redis: {rest}"))),
            ":" => rest.parse().map(Reply::Int).map_err(|_| invalid("bad integer")),
            "$" => {
                let n: i64 = rest.parse().map_err(|_| invalid("bad length"))?;
                if n < 0 {
                    return Ok(Reply::Nil);
                }
                let n = usize::try_from(n).map_err(|_| invalid("bad length"))?;
                if n > MAX_REPLY {
                    return Err(invalid("reply too long"));
                }
                let mut buf = vec![0; n + 2];
                self.stream.read_exact(&mut buf).await?;
                buf.truncate(n);
                Ok(Reply::Bulk(buf))
            }
            _ => Err(invalid("unexpected reply")),
        }
    }
}

/// A replica's claim on the lease.
pub struct Lease {
    redis_url: String,
    me: String,
    redis: Option<Redis>,
}

impl Lease {
    pub fn new(redis_url: &str, me: &str) -> Lease {
        Lease { redis_url: redis_url.to_owned(), me: me.to_owned(), redis: None }
    }

    async fn redis(&mut self) -> std::io::Result<&mut Redis> {
        if self.redis.is_none() {
            self.redis = Some(Redis::connect(&self.redis_url).await?);
        }
        self.redis.as_mut().ok_or_else(|| std::io::Error::other("no connection"))
    }

    /// Take the lease if it is free, or renew it if it is ours. `Ok(true)`: ours for [`TTL`]
    /// from before this call. Any error drops the connection (the next call reconnects).
    pub async fn hold(&mut self) -> std::io::Result<bool> {
        let ttl = TTL.as_millis().to_string();
        let me = self.me.clone();
        let result = async {
            let redis = self.redis().await?;
            if redis.command(&["EVAL", RENEW, "1", KEY, &me, &ttl]).await? == Reply::Int(1) {
                return Ok(true);
            }
            Ok(redis.command(&["SET", KEY, &me, "NX", "PX", &ttl]).await? == Reply::Ok)
        }
        .await;
        if result.is_err() {
            self.redis = None;
        }
        result
    }

    /// Give the lease up (a clean shutdown), so that a standby takes over at once.
    pub async fn release(&mut self) {
        let me = self.me.clone();
        if let Ok(redis) = self.redis().await {
            let _ = redis.command(&["EVAL", RELEASE, "1", KEY, &me]).await;
        }
    }

    /// Who holds it now (for tests and `/healthz`).
    pub async fn holder(&mut self) -> std::io::Result<Option<String>> {
        match self.redis().await?.command(&["GET", KEY]).await? {
            Reply::Bulk(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
            _ => Ok(None),
        }
    }
}
