//! The simulator's numbering of machines and instances. The world keeps its per-instance and
//! per-machine state in vectors indexed by these numbers: looking a string id up in a hash map
//! (or two, by host and then port) at every step was most of the simulation's stepping.
//!
//! An instance is numbered by its id text, and the instance at a place (host, port) by the id
//! [`instance_id`](super::simulate::instance_id) writes for it, so the instance a step starts by its unit and the one a proxy
//! edit names by id are the same number exactly when their ids are the same text. Steps share
//! their text (`Arc<str>`): a name is read once, later steps find its number by the text's
//! address, an integer to hash. The index borrows the steps (`'s`) for as long as it keys by
//! their addresses, so no other text can take one of those addresses meanwhile.
//!
//! At 15,000 instances the text is what costs: every instance has its own copies of its
//! machine's name, unit and paths, scattered over the heap, and a first sight reads one.
//! So a machine's name is read once per copy (then found by address), and a path that names
//! its machine again (the rendered env file) is compared with the step's machine, not looked up.

use super::id_hash::IdHash;
use super::simulate::push_instance_id;
use crate::layout::Layout;
use crate::paths;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

/// Machine and instance numbers, and the ids and places they stand for.
#[derive(Default)]
pub(crate) struct Index<'s> {
    /// Machine names by number.
    hosts: Vec<Arc<str>>,
    host_numbers: HashMap<Arc<str>, u32, IdHash>,
    /// Instance ids by number: their text one after the other in `id_text`, id `n` ending at
    /// `id_ends[n]` (one buffer rather than an allocation per instance).
    id_text: String,
    id_ends: Vec<u32>,
    /// Where each instance is, when its id is in `<host>:<port>` spelling.
    places: Vec<Option<(u32, u16)>>,
    /// Instances named by ids in no `<host>:<port>` spelling (they never run).
    odd_ids: HashMap<Arc<str>, u32, IdHash>,
    /// The instances placed on each machine, by machine number: (port, instance) sorted by
    /// port. A machine runs a few instances, so a search in its short list finds a place
    /// where a table of every place would be a cache miss at 15,000.
    on_host: Vec<Vec<(u16, u32)>>,
    /// Numbers found by the address of a step's shared text.
    host_at: HashMap<usize, u32, IdHash>,
    id_at: HashMap<usize, u32, IdHash>,
    /// (machine name, unit) -> the instance a `rocketchat@<port>.service` unit runs.
    unit_at: HashMap<(usize, usize), Option<u32>, IdHash>,
    /// The steps whose text addresses key the maps above.
    steps: PhantomData<&'s str>,
}

/// The numbers of a layout's instances, in its order.
#[derive(Default, Clone)]
pub(crate) struct Numbered {
    /// Each instance's number by its id.
    pub ids: Vec<u32>,
    /// The number of the instance at each one's place (the same as by id when its id is spelt
    /// `<host>:<port>`, as resolved layouts spell them).
    pub places: Vec<u32>,
    /// Each instance's machine.
    pub hosts: Vec<u32>,
}

fn address(text: &Arc<str>) -> usize {
    Arc::as_ptr(text) as *const u8 as usize
}

impl<'s> Index<'s> {
    /// Numbers `layout`'s machines and instances (once per layout, before any step).
    pub fn number(&mut self, layout: &Layout) -> Numbered {
        let count = layout.instances.len();
        let mut numbered = Numbered {
            ids: Vec::with_capacity(count),
            places: Vec::with_capacity(count),
            hosts: Vec::with_capacity(count),
        };
        // A machine's instances are listed together: its name is looked up once.
        let mut last: Option<(&str, u32)> = None;
        for i in &layout.instances {
            let host = match last {
                Some((name, n)) if name == i.host => n,
                _ => self.host_named(&i.host),
            };
            last = Some((&i.host, host));
            // An id spelt `<host>:<port>` is the id `place` writes for that place.
            let (place, id) = match is_id_of(&i.id, &i.host, i.port) {
                true => {
                    let n = self.place(host, i.port);
                    (n, n)
                }
                false => (self.place(host, i.port), self.id_named(&i.id)),
            };
            numbered.ids.push(id);
            numbered.places.push(place);
            numbered.hosts.push(host);
        }
        numbered
    }

    /// An index with room for `count` instances (a layout's), so numbering grows no table
    /// step by step.
    pub fn with_capacity(count: usize) -> Index<'s> {
        let mut index = Index::default();
        index.id_ends.reserve(count);
        index.places.reserve(count);
        index.id_at.reserve(count);
        index.unit_at.reserve(count);
        index.host_at.reserve(count);
        index
    }

    /// How many instances are numbered; every number is below it.
    pub fn len(&self) -> usize {
        self.id_ends.len()
    }

    /// How many machines are numbered.
    pub fn hosts(&self) -> usize {
        self.hosts.len()
    }

    /// Instance `n`'s id.
    pub fn id(&self, n: u32) -> &str {
        let n = n as usize;
        let start = match n {
            0 => 0,
            _ => self.id_ends[n - 1],
        };
        &self.id_text[start as usize..self.id_ends[n] as usize]
    }

    /// Numbers a new instance with id `write` appends to the ids' text.
    fn push_id(
        &mut self,
        place: Option<(u32, u16)>,
        write: impl FnOnce(&mut String, &[Arc<str>]),
    ) -> u32 {
        let n = self.id_ends.len() as u32;
        write(&mut self.id_text, &self.hosts);
        self.id_ends.push(self.id_text.len() as u32);
        self.places.push(place);
        n
    }

    /// Machine `h`'s name.
    pub fn host_name(&self, h: u32) -> &str {
        &self.hosts[h as usize]
    }

    /// Instance `n`'s machine and port, when its id names a place.
    pub fn place_of(&self, n: u32) -> Option<(u32, u16)> {
        self.places[n as usize]
    }

    /// The instances placed on machine `h`.
    /// As (port, instance), in port order.
    pub fn on_host(&self, h: u32) -> &[(u16, u32)] {
        &self.on_host[h as usize]
    }

    /// The number of the machine a step names.
    pub fn host(&mut self, name: &'s Arc<str>) -> u32 {
        if let Some(&h) = self.host_at.get(&address(name)) {
            return h;
        }
        let h = self.host_named(name);
        self.host_at.insert(address(name), h);
        h
    }

    /// The number of the machine called `name`.
    fn host_named(&mut self, name: &str) -> u32 {
        if let Some(&h) = self.host_numbers.get(name) {
            return h;
        }
        let h = self.hosts.len() as u32;
        let name: Arc<str> = name.into();
        self.hosts.push(name.clone());
        self.host_numbers.insert(name, h);
        self.on_host.push(Vec::new());
        h
    }

    /// The instance at `port` of machine `h`.
    pub fn place(&mut self, h: u32, port: u16) -> u32 {
        let slot = match self.find_place(h, port) {
            Ok(n) => return n,
            Err(slot) => slot,
        };
        let n = self.push_id(Some((h, port)), |text, hosts| {
            push_instance_id(text, &hosts[h as usize], port)
        });
        self.on_host[h as usize].insert(slot, (port, n));
        n
    }

    /// The instance at `port` of machine `h`, or where in its list one would go.
    fn find_place(&self, h: u32, port: u16) -> Result<u32, usize> {
        let on_host = &self.on_host[h as usize];
        on_host
            .binary_search_by_key(&port, |&(p, _)| p)
            .map(|i| on_host[i].1)
    }

    /// The instance a step names by id.
    pub fn instance(&mut self, id: &'s Arc<str>) -> u32 {
        if let Some(&n) = self.id_at.get(&address(id)) {
            return n;
        }
        let n = self.id_named(id);
        self.id_at.insert(address(id), n);
        n
    }

    fn id_named(&mut self, id: &str) -> u32 {
        if let Some((host, port)) = split_id(id) {
            let h = self.host_named(host);
            return self.place(h, port);
        }
        if let Some(&n) = self.odd_ids.get(id) {
            return n;
        }
        let n = self.push_id(None, |text, _| text.push_str(id));
        self.odd_ids.insert(id.into(), n);
        n
    }

    /// The instance with id `id`, if it was ever numbered (none other runs or is routed to).
    pub fn find(&self, id: &str) -> Option<u32> {
        match split_id(id) {
            Some((host, port)) => {
                let h = self.host_numbers.get(host)?;
                self.find_place(*h, port).ok()
            }
            None => self.odd_ids.get(id).copied(),
        }
    }

    /// The instance a Rocket.Chat unit (`rocketchat@<port>.service`) on `host` runs.
    pub fn unit(&mut self, host: &'s Arc<str>, unit: &'s Arc<str>) -> Option<u32> {
        let key = (address(host), address(unit));
        if let Some(&n) = self.unit_at.get(&key) {
            return n;
        }
        let n = instance_port(unit).map(|port| {
            let h = self.host(host);
            self.place(h, port)
        });
        self.unit_at.insert(key, n);
        n
    }

    /// The instance an env file (`/etc/rocketchat/<port>.env`) on `host` configures. An env
    /// file is written once or twice per instance: its path is read each time rather than
    /// remembered.
    pub fn env_file(&mut self, host: &'s Arc<str>, path: &str) -> Option<u32> {
        let port = env_port(path)?;
        let h = self.host(host);
        Some(self.place(h, port))
    }

    /// The place a rendered env file (`<machine>/etc/rocketchat/<port>.env`) was rendered for.
    /// `host` (number `h`) is the machine the step installs it on, nearly always the one it was
    /// rendered for: then its name is compared, not looked up.
    pub fn rendered(&mut self, rendered: &str, (host, h): (&str, u32)) -> Option<u32> {
        if let Some(port) = rendered_on(rendered, host) {
            return Some(self.place(h, port));
        }
        let (name, port) = rendered_place(rendered)?;
        let h = self.host_named(name);
        Some(self.place(h, port))
    }
}

/// `rocketchat@3001.service` -> 3001.
pub(crate) fn instance_port(unit: &str) -> Option<u16> {
    unit.strip_prefix("rocketchat@")?
        .strip_suffix(".service")?
        .parse()
        .ok()
}

/// `/etc/rocketchat/3001.env` -> 3001.
pub(crate) fn env_port(path: &str) -> Option<u16> {
    path.strip_prefix(paths::ENV_DIR)?
        .strip_prefix('/')?
        .strip_suffix(".env")?
        .parse()
        .ok()
}

/// `<machine>/etc/rocketchat/<port>.env` -> (machine, port).
fn rendered_place(rendered: &str) -> Option<(&str, u16)> {
    let (host, path) = rendered.split_once('/')?;
    Some((host, rendered_port(path)?))
}

/// `etc/rocketchat/<port>.env` (an install path without its leading `/`) -> port.
fn rendered_port(path: &str) -> Option<u16> {
    path.strip_prefix(paths::ENV_DIR.strip_prefix('/')?)?
        .strip_prefix('/')?
        .strip_suffix(".env")?
        .parse()
        .ok()
}

/// [`rendered_place`]'s port when its machine is `host`, read without searching the text
/// (the machine ends at the first `/`, so a name holding one never matches here).
fn rendered_on(rendered: &str, host: &str) -> Option<u16> {
    let path = rendered.strip_prefix(host)?.strip_prefix('/')?;
    match host.bytes().all(|b| b != b'/') {
        true => rendered_port(path),
        false => None,
    }
}

/// Whether `id` is `<host>:<port>` as [`instance_id`](super::simulate::instance_id) writes it.
fn is_id_of(id: &str, host: &str, port: u16) -> bool {
    id.strip_prefix(host)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|digits| digits == itoa::Buffer::new().format(port))
}

/// `app1:3001` -> (`app1`, 3001). Only the spelling an instance id has (no sign, no leading
/// zero) parses, so `app1:03001` names no place: it is another id than `app1:3001`.
fn split_id(id: &str) -> Option<(&str, u16)> {
    // The last `:` found by a byte scan: ids are short, a searcher costs more than it saves.
    let colon = id.bytes().rposition(|b| b == b':')?;
    let (host, digits) = (&id[..colon], &id[colon + 1..]);
    let canonical = !digits.starts_with('+') && (digits == "0" || !digits.starts_with('0'));
    canonical.then_some(())?;
    Some((host, digits.parse().ok()?))
}

/// Element `n` of `v`, which grows (with defaults) to hold it: state indexed by numbers the
/// [`Index`] hands out as steps name new instances or machines.
pub(crate) fn at<T: Default>(v: &mut Vec<T>, n: u32) -> &mut T {
    let n = n as usize;
    if v.len() <= n {
        v.resize_with(n + 1, T::default);
    }
    &mut v[n]
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
    fn a_place_and_its_id_are_one_instance() {
        // The texts outlive the index, which keys them by address.
        let text = |t: &str| -> Arc<str> { t.into() };
        let (host, unit, mongod) = (
            text("app1"),
            text("rocketchat@3001.service"),
            text("mongod.service"),
        );
        let (id, other_id) = (text("app1:3001"), text("app1:03001"));
        let mut index = Index::default();
        let by_unit = index.unit(&host, &unit).unwrap();
        assert_eq!(index.instance(&id), by_unit);
        assert_eq!(index.unit(&host, &unit), Some(by_unit));
        assert_ne!(index.instance(&other_id), by_unit);
        assert_eq!(index.find("app1:3001"), Some(by_unit));
        assert_eq!(index.find("app2:3001"), None);
        assert_eq!(index.id(by_unit), "app1:3001");
        assert_eq!(index.unit(&host, &mongod), None);
    }

    #[test]
    fn rendered_files_name_their_place() {
        let mut index = Index::default();
        let host = index.host_named("app1");
        let at_3001 = index.place(host, 3001);
        let rendered = "app1/etc/rocketchat/3001.env";
        assert_eq!(index.rendered(rendered, ("app1", host)), Some(at_3001));
        // Rendered for another machine than the one it is installed on.
        let other = index.rendered(rendered, ("app2", 7)).unwrap();
        assert_eq!(other, at_3001);
        assert_eq!(
            index.rendered("app1/etc/rocketchat/x.env", ("app1", host)),
            None
        );
        assert_eq!(rendered_on("a/b/etc/rocketchat/1.env", "a/b"), None);
        assert_eq!(rendered_place("a/b/etc/rocketchat/1.env"), None);
    }
}
