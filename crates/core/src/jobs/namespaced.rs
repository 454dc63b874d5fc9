//! The queue library's Redis connection, kept inside `REDIS_NAMESPACE`.
//!
//! apalis-redis derives nearly every key from the queue name, which carries
//! the namespace, but it registers each queue in one fixed sorted set,
//! `core:apalis:queues:list`, written by its `register_worker` Lua script
//! and read by its queue listing. Two instances on one Redis database would
//! share that set, and a namespace that leaks one key is no namespace: an
//! operator cannot `SCAN` and delete an instance's keys, nor tell whose a
//! key is. apalis-redis has no setting for it, so the connection handed to
//! it rewrites the calls that name it:
//!
//! ```text
//!  apalis-redis ──EVALSHA <register_worker>──▶ QueueConnection ──EVALSHA <ours, KEYS[3] = NS:apalis:queues:list>──▶ Redis
//!  apalis-redis ──ZRANGE core:apalis:queues:list──▶ QueueConnection ──ZRANGE NS:apalis:queues:list──▶ Redis
//!  everything else ─────────────────────────────────▶ (unchanged) ──────────────────────────────────────▶ Redis
//! ```
//!
//! The script is recognised by its SHA-1, which is that of apalis-redis
//! 1.0.0's `lua/register_worker.lua`; an upgrade that changes the script
//! changes the hash, and the shared-Redis end-to-end test then sees the
//! global key again.
use std::sync::Arc;

use apalis_redis::ConnectionManager;
use deadpool_redis::redis::{self, aio::ConnectionLike, Arg, Cmd, RedisFuture, Value};

/// The fixed keys apalis-redis uses, and where ours go instead (suffixes
/// under the namespace).
const GLOBAL_KEYS: [(&str, &str); 2] = [
    ("core:apalis:queues:list", "apalis:queues:list"),
    ("core:apalis:queues", "apalis:queues"),
];

/// SHA-1 of apalis-redis 1.0.0's `lua/register_worker.lua`.
const UPSTREAM_REGISTER_WORKER_SHA: &[u8] = b"0d5fbce91e1dcff1121ece41f7169da3c0e39194";

/// What apalis-redis's `register_worker` does, with the queue list as
/// KEYS[3] instead of a fixed key. KEYS[1]: the queue's workers set,
/// KEYS[2]: the worker's metadata hash; ARGV: now, worker name, the
/// seconds after which a silent worker's name may be taken again, backend
/// name, service name.
const REGISTER_WORKER: &str = r"
local last_seen = redis.call('ZSCORE', KEYS[1], ARGV[2])
if last_seen and tonumber(ARGV[1]) - tonumber(last_seen) < tonumber(ARGV[3]) then
  return redis.error_reply('worker is still active within threshold')
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], 'GT', ARGV[1], KEYS[1])
redis.call('HSET', KEYS[2], 'backend_name', ARGV[4], 'service', ARGV[5])
return 1
";

/// The keys and the arguments of a script call.
type ScriptCall = (Vec<Vec<u8>>, Vec<Vec<u8>>);

/// A connection for apalis-redis that keeps its fixed keys under the
/// namespace (see the module documentation). Cloning shares the
/// underlying multiplexed connection.
#[derive(Clone)]
pub struct QueueConnection {
    inner: ConnectionManager,
    /// The namespaced replacements of [`GLOBAL_KEYS`], in the same order.
    keys: Arc<[String; 2]>,
    register_worker: Arc<redis::Script>,
}

impl QueueConnection {
    /// Wraps `inner`; `namespaced` turns a key suffix into the instance's
    /// key (`AppState::redis_key`).
    pub fn new(inner: ConnectionManager, namespaced: impl Fn(&str) -> String) -> Self {
        QueueConnection {
            inner,
            keys: Arc::new(GLOBAL_KEYS.map(|(_, ours)| namespaced(ours))),
            register_worker: Arc::new(redis::Script::new(REGISTER_WORKER)),
        }
    }

    /// The key of ours that stands for apalis-redis's fixed `key`.
    fn replacement(&self, key: &[u8]) -> Option<&str> {
        GLOBAL_KEYS
            .iter()
            .zip(self.keys.iter())
            .find(|((global, _), _)| global.as_bytes() == key)
            .map(|(_, ours)| ours.as_str())
    }

    /// The command with apalis-redis's fixed keys replaced, when it names
    /// any (None: send it as it is).
    fn rewritten(&self, cmd: &Cmd) -> Option<Cmd> {
        let touches = cmd
            .args_iter()
            .any(|a| matches!(a, Arg::Simple(bytes) if self.replacement(bytes).is_some()));
        if !touches {
            return None;
        }
        let mut out = Cmd::new();
        for arg in cmd.args_iter() {
            match arg {
                Arg::Simple(bytes) => match self.replacement(bytes) {
                    Some(ours) => out.arg(ours),
                    None => out.arg(bytes),
                },
                // Only SCAN-style iterators carry a cursor; none of them
                // names a fixed key.
                _ => return None,
            };
        }
        Some(out)
    }

    /// The keys and arguments of an `EVALSHA` of apalis-redis's
    /// `register_worker`, or None for any other command.
    fn register_worker_call(cmd: &Cmd) -> Option<ScriptCall> {
        let mut args = cmd.args_iter().map(|a| match a {
            Arg::Simple(bytes) => Some(bytes),
            _ => None,
        });
        let name = args.next()??;
        if !name.eq_ignore_ascii_case(b"EVALSHA") || args.next()?? != UPSTREAM_REGISTER_WORKER_SHA {
            return None;
        }
        let numkeys: usize = std::str::from_utf8(args.next()??).ok()?.parse().ok()?;
        let rest: Vec<Vec<u8>> = args.map(|a| a.map(<[u8]>::to_vec)).collect::<Option<_>>()?;
        if rest.len() < numkeys {
            return None;
        }
        let mut keys = rest;
        let argv = keys.split_off(numkeys);
        Some((keys, argv))
    }
}

impl ConnectionLike for QueueConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        if let Some((keys, argv)) = Self::register_worker_call(cmd) {
            let script = Arc::clone(&self.register_worker);
            let queues_list = self.keys[0].clone();
            return Box::pin(async move {
                let mut invocation = script.prepare_invoke();
                for key in &keys {
                    invocation.key(key.as_slice());
                }
                invocation.key(queues_list);
                for arg in &argv {
                    invocation.arg(arg.as_slice());
                }
                invocation.invoke_async(&mut self.inner).await
            });
        }
        match self.rewritten(cmd) {
            Some(ours) => Box::pin(async move { self.inner.req_packed_command(&ours).await }),
            None => self.inner.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        // apalis-redis sends its fixed keys only as single commands; our
        // own pipelines use namespaced keys already.
        self.inner.req_packed_commands(pipeline, offset, count)
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_register_worker_call() {
        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg(UPSTREAM_REGISTER_WORKER_SHA)
            .arg(2)
            .arg("ns:queue:push:workers")
            .arg("ns:queue:push:workers:metadata:w1")
            .arg(17)
            .arg("w1");
        let (keys, argv) = QueueConnection::register_worker_call(&cmd).unwrap();
        assert_eq!(
            keys,
            vec![
                b"ns:queue:push:workers".to_vec(),
                b"ns:queue:push:workers:metadata:w1".to_vec()
            ]
        );
        assert_eq!(argv, vec![b"17".to_vec(), b"w1".to_vec()]);

        let mut other = redis::cmd("EVALSHA");
        other.arg("0000000000000000000000000000000000000000").arg(0);
        assert!(QueueConnection::register_worker_call(&other).is_none());
    }
}
