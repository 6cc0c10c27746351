//! The simulator's numbering of machines and instances. The world keeps its per-instance and
//! per-machine state in vectors indexed by these numbers: looking a string id up in a hash map
//! (or two, by host and then port) at every step was most of the simulation's stepping.
//!
//! An instance is numbered by its id text, and the instance at a place (host, port) by the id
//! [`instance_id`] writes for it, so the instance a step starts by its unit and the one a proxy
//! edit names by id are the same number exactly when their ids are the same text. Steps share
//! their text (`Arc<str>`): a name is read once, later steps find its number by the text's
//! address, an integer to hash.

use super::id_hash::IdHash;
use super::simulate::instance_id;
use crate::layout::Layout;
use crate::paths;
use std::collections::HashMap;
use std::sync::Arc;

/// Machine and instance numbers, and the ids and places they stand for.
#[derive(Default)]
pub(crate) struct Index {
    /// Machine names by number.
    hosts: Vec<Arc<str>>,
    host_numbers: HashMap<Arc<str>, u32, IdHash>,
    /// Instance ids by number.
    ids: Vec<Arc<str>>,
    /// Where each instance is, when its id is in `<host>:<port>` spelling.
    places: Vec<Option<(u32, u16)>>,
    by_place: HashMap<(u32, u16), u32, IdHash>,
    /// Instances named by ids in no `<host>:<port>` spelling (they never run).
    odd_ids: HashMap<Arc<str>, u32, IdHash>,
    /// The instances placed on each machine, by machine number.
    on_host: Vec<Vec<u32>>,
    /// Numbers found by the address of a step's shared text.
    host_at: HashMap<usize, u32, IdHash>,
    id_at: HashMap<usize, u32, IdHash>,
    /// (machine name, unit) -> the instance a `rocketchat@<port>.service` unit runs.
    unit_at: HashMap<(usize, usize), Option<u32>, IdHash>,
    /// (machine name, path) -> the instance an env file configures.
    env_at: HashMap<(usize, usize), Option<u32>, IdHash>,
    /// A rendered env file (`<machine>/etc/rocketchat/<port>.env`) -> the instance at its place.
    rendered_at: HashMap<usize, Option<u32>, IdHash>,
    /// Every text whose address is (part of) a key, kept alive so no other text can take its
    /// address while the index lives.
    kept: Vec<Arc<str>>,
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

impl Index {
    /// Numbers `layout`'s machines and instances (once per layout, before any step).
    pub fn number(&mut self, layout: &Layout) -> Numbered {
        let mut numbered = Numbered::default();
        // A machine's instances are listed together: its name is looked up once.
        let mut last: Option<(&str, u32)> = None;
        for i in &layout.instances {
            let host = match last {
                Some((name, n)) if name == i.host => n,
                _ => self.host_named(&i.host),
            };
            last = Some((&i.host, host));
            let (place, id) = match is_id_of(&i.id, &i.host, i.port) {
                true => {
                    let n = self.place_named(host, i.port, |_| i.id.as_str().into());
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

    /// How many instances are numbered; every number is below it.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// How many machines are numbered.
    pub fn hosts(&self) -> usize {
        self.hosts.len()
    }

    /// Instance `n`'s id.
    pub fn id(&self, n: u32) -> &Arc<str> {
        &self.ids[n as usize]
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
    pub fn on_host(&self, h: u32) -> &[u32] {
        &self.on_host[h as usize]
    }

    /// The number of the machine a step names.
    pub fn host(&mut self, name: &Arc<str>) -> u32 {
        if let Some(&h) = self.host_at.get(&address(name)) {
            return h;
        }
        let h = self.host_named(name);
        self.keep(name);
        self.host_at.insert(address(name), h);
        h
    }

    /// The number of the machine called `name`. An instance's steps share their machine's name
    /// with that instance's other steps only, so a step naming an instance finds its machine by
    /// text, once per instance, rather than by an address seen once.
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
        self.place_named(h, port, |index| {
            instance_id(&index.hosts[h as usize], port).into()
        })
    }

    /// [`Index::place`], with the instance's id (`<host>:<port>`) made by `id` if it is new.
    fn place_named(&mut self, h: u32, port: u16, id: impl FnOnce(&Index) -> Arc<str>) -> u32 {
        if let Some(&n) = self.by_place.get(&(h, port)) {
            return n;
        }
        let n = self.ids.len() as u32;
        let id = id(self);
        self.ids.push(id);
        self.places.push(Some((h, port)));
        self.by_place.insert((h, port), n);
        self.on_host[h as usize].push(n);
        n
    }

    /// The instance a step names by id.
    pub fn instance(&mut self, id: &Arc<str>) -> u32 {
        if let Some(&n) = self.id_at.get(&address(id)) {
            return n;
        }
        let n = self.id_named(id);
        self.keep(id);
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
        let n = self.ids.len() as u32;
        let id: Arc<str> = id.into();
        self.ids.push(id.clone());
        self.places.push(None);
        self.odd_ids.insert(id, n);
        n
    }

    /// The instance with id `id`, if it was ever numbered (none other runs or is routed to).
    pub fn find(&self, id: &str) -> Option<u32> {
        match split_id(id) {
            Some((host, port)) => {
                let h = self.host_numbers.get(host)?;
                self.by_place.get(&(*h, port)).copied()
            }
            None => self.odd_ids.get(id).copied(),
        }
    }

    /// The instance a Rocket.Chat unit (`rocketchat@<port>.service`) on `host` runs.
    pub fn unit(&mut self, host: &Arc<str>, unit: &Arc<str>) -> Option<u32> {
        let key = (address(host), address(unit));
        if let Some(&n) = self.unit_at.get(&key) {
            return n;
        }
        let n = instance_port(unit).map(|port| {
            let h = self.host_named(host);
            self.place(h, port)
        });
        self.keep(host);
        self.keep(unit);
        self.unit_at.insert(key, n);
        n
    }

    /// The instance an env file (`/etc/rocketchat/<port>.env`) on `host` configures.
    pub fn env_file(&mut self, host: &Arc<str>, path: &Arc<str>) -> Option<u32> {
        let key = (address(host), address(path));
        if let Some(&n) = self.env_at.get(&key) {
            return n;
        }
        let n = env_port(path).map(|port| {
            let h = self.host_named(host);
            self.place(h, port)
        });
        self.keep(host);
        self.keep(path);
        self.env_at.insert(key, n);
        n
    }

    /// The place a rendered env file (`<machine>/etc/rocketchat/<port>.env`) was rendered for.
    pub fn rendered(&mut self, rendered: &Arc<str>) -> Option<u32> {
        if let Some(&n) = self.rendered_at.get(&address(rendered)) {
            return n;
        }
        let n = rendered_place(rendered).map(|(host, port)| {
            let h = self.host_named(host);
            self.place(h, port)
        });
        self.keep(rendered);
        self.rendered_at.insert(address(rendered), n);
        n
    }

    fn keep(&mut self, text: &Arc<str>) {
        self.kept.push(text.clone());
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
    // `path` is the install path without its leading `/`.
    let port = path
        .strip_prefix(paths::ENV_DIR.strip_prefix('/')?)?
        .strip_prefix('/')?
        .strip_suffix(".env")?
        .parse()
        .ok()?;
    Some((host, port))
}

/// Whether `id` is `<host>:<port>` as [`instance_id`] writes it.
fn is_id_of(id: &str, host: &str, port: u16) -> bool {
    id.strip_prefix(host)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|digits| digits == itoa::Buffer::new().format(port))
}

/// `app1:3001` -> (`app1`, 3001). Only the spelling an instance id has (no sign, no leading
/// zero) parses, so `app1:03001` names no place: it is another id than `app1:3001`.
fn split_id(id: &str) -> Option<(&str, u16)> {
    let (host, digits) = id.rsplit_once(':')?;
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
        let mut index = Index::default();
        let host: Arc<str> = "app1".into();
        let unit: Arc<str> = "rocketchat@3001.service".into();
        let by_unit = index.unit(&host, &unit).unwrap();
        assert_eq!(index.instance(&"app1:3001".into()), by_unit);
        assert_eq!(index.unit(&host, &unit), Some(by_unit));
        assert_ne!(index.instance(&"app1:03001".into()), by_unit);
        assert_eq!(index.find("app1:3001"), Some(by_unit));
        assert_eq!(index.find("app2:3001"), None);
        assert_eq!(&**index.id(by_unit), "app1:3001");
        assert_eq!(index.unit(&host, &"mongod.service".into()), None);
    }
}
