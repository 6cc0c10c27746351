//! The simulator's running instances, by host and then port. Every start, stop and health check
//! looks one instance up; a B-tree of id strings made each of those a walk of string
//! comparisons (a tenth of the simulator at 15,000 instances), two small hash lookups do not.

use super::id_hash::IdHash;
use super::simulate::instance_id;
use std::collections::HashMap;
use std::sync::Arc;

/// A running instance as the simulator sees it.
#[derive(Debug, Clone)]
pub(crate) struct Running {
    pub healthy: bool,
    pub tcp: u32,
    pub fingerprint: u64,
    /// Its Rocket.Chat release: shared with every instance that runs it and with the step that
    /// selected it, so a start copies no text.
    pub version: Arc<str>,
}

/// The running instances of every host; `len` is kept so every frame can report it.
#[derive(Default)]
pub(crate) struct RunningSet {
    hosts: HashMap<String, HashMap<u16, Running, IdHash>, IdHash>,
    len: usize,
}

impl RunningSet {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn get(&self, id: &str) -> Option<&Running> {
        let (host, port) = split_id(id)?;
        self.hosts.get(host)?.get(&port)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Running> {
        let (host, port) = split_id(id)?;
        self.hosts.get_mut(host)?.get_mut(&port)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Whether an instance runs at `host` and `port`, without an id to split.
    pub fn contains_at(&self, host: &str, port: u16) -> bool {
        self.hosts
            .get(host)
            .is_some_and(|ports| ports.contains_key(&port))
    }

    /// Adds (or replaces, should host names repeat) the instance at `host` and `port`.
    pub fn insert(&mut self, host: &str, port: u16, running: Running) {
        let ports = match self.hosts.get_mut(host) {
            Some(ports) => ports,
            None => self.hosts.entry(host.to_string()).or_default(),
        };
        if ports.insert(port, running).is_none() {
            self.len += 1;
        }
    }

    pub fn remove(&mut self, host: &str, port: u16) -> Option<Running> {
        let gone = self.hosts.get_mut(host)?.remove(&port);
        if gone.is_some() {
            self.len -= 1;
        }
        gone
    }

    /// The running instances of `host` as (port, instance), in no particular order: callers
    /// that name one pick it by [`text_order`], the order of the `host:port` ids.
    pub fn on_host<'s>(&'s self, host: &str) -> impl Iterator<Item = (u16, &'s Running)> {
        self.hosts
            .get(host)
            .into_iter()
            .flat_map(|ports| ports.iter().map(|(p, r)| (*p, r)))
    }

    /// Every running instance's id, sorted (only for messages and end-state comparisons).
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .hosts
            .iter()
            .flat_map(|(host, ports)| ports.keys().map(move |p| instance_id(host, *p)))
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// `app1:3001` -> (`app1`, 3001). Only the spelling an instance id has (no sign, no leading
/// zero) parses, so `app1:03001` names no running instance, as it did not when ids were keys.
fn split_id(id: &str) -> Option<(&str, u16)> {
    let (host, digits) = id.rsplit_once(':')?;
    let canonical = !digits.starts_with('+') && (digits == "0" || !digits.starts_with('0'));
    canonical.then_some(())?;
    Some((host, digits.parse().ok()?))
}

/// A key that orders ports as their decimal text does (`10000` before `3000`): each digit plus
/// one, missing digits 0, so a prefix sorts before the numbers it starts.
pub(crate) fn text_order(port: u16) -> [u8; 5] {
    let mut digits = [0u8; 5];
    let (mut n, mut len) = (port, 0);
    loop {
        digits[len] = (n % 10) as u8 + 1;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[..len].reverse();
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_only_in_their_own_spelling() {
        assert_eq!(split_id("app1:3001"), Some(("app1", 3001)));
        assert_eq!(split_id("fe80::1:3001"), Some(("fe80::1", 3001)));
        assert_eq!(split_id("app1:03001"), None);
        assert_eq!(split_id("app1:+3001"), None);
        assert_eq!(split_id("app1"), None);
    }

    #[test]
    fn ports_order_as_their_text() {
        let mut ports = [3000u16, 10000, 300, 31, 4];
        ports.sort_by_key(|p| text_order(*p));
        let mut texts: Vec<String> = ports.iter().map(u16::to_string).collect();
        let sorted = texts.clone();
        texts.sort();
        assert_eq!(texts, sorted);
    }
}
