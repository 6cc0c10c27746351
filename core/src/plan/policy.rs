//! How a rollout may proceed: how many instances may be down or extra at once, canaries,
//! health gates and draining. Deserialisable so bindings can pass a dict or object.

use super::error::PlanError;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A number of instances, absolute or as a percentage of the current instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Budget {
    /// A number of instances.
    Count(u32),
    /// A percentage (0-100) of the current instances.
    Percent(u32),
}

impl Budget {
    /// The count for `total` instances; percentages round down (`max_unavailable`).
    pub fn floor_of(&self, total: usize) -> usize {
        match *self {
            Budget::Count(n) => n as usize,
            Budget::Percent(p) => total * p as usize / 100,
        }
    }

    /// The count for `total` instances; percentages round up (`max_surge`, as Kubernetes).
    pub fn ceil_of(&self, total: usize) -> usize {
        match *self {
            Budget::Count(n) => n as usize,
            Budget::Percent(p) => (total * p as usize).div_ceil(100),
        }
    }

    /// Whether it allows no instance at all.
    pub fn is_zero(&self) -> bool {
        matches!(self, Budget::Count(0) | Budget::Percent(0))
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Budget::Count(n) => write!(f, "{n}"),
            Budget::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// Error for a budget that is neither `N` nor `P%`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a budget: expected a count (`2`) or a percentage from 0% to 100% (`25%`)"
)]
pub struct BudgetError {
    /// The text given.
    pub input: String,
}

impl FromStr for Budget {
    type Err = BudgetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || BudgetError {
            input: s.to_string(),
        };
        let s = s.trim();
        match s.strip_suffix('%') {
            Some(p) => match p.trim().parse::<u32>() {
                Ok(p) if p <= 100 => Ok(Budget::Percent(p)),
                _ => Err(err()),
            },
            None => s.parse().map(Budget::Count).map_err(|_| err()),
        }
    }
}

impl Serialize for Budget {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Budget::Count(n) => s.serialize_u32(*n),
            Budget::Percent(_) => s.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Budget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Budget;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a count (2) or a percentage (\"25%\")")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Budget, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Budget, E> {
                u32::try_from(v)
                    .map(Budget::Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Budget, E> {
                u32::try_from(v)
                    .map(Budget::Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// How an instance proves it is ready before it joins the proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthPolicy {
    /// HTTP path to probe; by default the one the Rocket.Chat version offers
    /// (`/readyz` from 7.11, `/health` from 5.3, `/api/info` before).
    pub path: Option<String>,
    /// Seconds between probes.
    pub interval_seconds: u32,
    /// Seconds an instance has to become healthy before the rollout stops.
    pub deadline_seconds: u32,
    /// Seconds an instance must stay healthy after its first good probe (Nomad's min_healthy_time,
    /// Kubernetes' minReadySeconds).
    pub min_healthy_seconds: u32,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        // Rocket.Chat takes 30-90 s to start; the Helm chart waits 60 s before probing.
        HealthPolicy {
            path: None,
            interval_seconds: 5,
            deadline_seconds: 300,
            min_healthy_seconds: 10,
        }
    }
}

/// What the duration estimate assumes about the deployment; nothing else depends on it. The
/// defaults describe Rocket.Chat fetched from its release server; measure yours (the lab's
/// stand-in starts in 2 s from a local tarball) and the estimate follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Estimate {
    /// Seconds an instance typically needs from start to its first good health probe.
    pub start_seconds: u32,
    /// Seconds a release typically needs to download, unpack and `npm install`.
    pub stage_seconds: u32,
    /// Milliseconds every other step takes (a file install, a `systemctl` call, a proxy edit):
    /// about 1000 over ssh (the lab measured 0.6-1.2 s a step), a few hundred run locally.
    pub step_millis: u32,
}

impl Default for Estimate {
    fn default() -> Self {
        // Rocket.Chat takes 30-90 s to start (see HealthPolicy).
        Estimate {
            start_seconds: 45,
            stage_seconds: 120,
            step_millis: 1000,
        }
    }
}

/// Which instances go together in a wave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Order {
    /// Round-robin over hosts, so one host never loses several instances while others lose none.
    #[default]
    Spread,
    /// Host by host, in file order.
    ByHost,
}

/// The rules of a rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Instances that may be out of service at once (count or percent of the current
    /// instances, rounded down; at least 1 unless `max_surge` > 0).
    pub max_unavailable: Budget,
    /// Extra instances started on spare ports before old ones stop (count or percent, rounded up),
    /// only on hosts with a spare core.
    pub max_surge: Budget,
    /// Instances restarted first, followed by a manual gate.
    pub canary: u32,
    /// How an instance is judged healthy.
    pub health: HealthPolicy,
    /// Seconds between leaving the proxy and stopping, so requests in flight finish. WebSocket
    /// clients do not move meanwhile: their connections end when the instance stops, and DDP
    /// clients reconnect through the proxy (the lab measured it; docs/planning.md).
    pub drain_delay_seconds: u32,
    /// Which instances restart first.
    pub order: Order,
    /// Whether an upgrade dumps the Rocket.Chat database before the first instance of the new
    /// release migrates it. Without a backup, a wave's rollback after that point is refused.
    pub backup: bool,
    /// What the duration estimate assumes.
    pub estimate: Estimate,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_unavailable: Budget::Count(1),
            max_surge: Budget::Count(0),
            canary: 0,
            health: HealthPolicy::default(),
            drain_delay_seconds: 10,
            order: Order::Spread,
            backup: true,
            estimate: Estimate::default(),
        }
    }
}

impl Policy {
    /// Rejects policies that cannot drive any rollout.
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.max_unavailable.is_zero() && self.max_surge.is_zero() {
            return Err(PlanError::ZeroBudget);
        }
        for (field, budget) in [
            ("max_unavailable", self.max_unavailable),
            ("max_surge", self.max_surge),
        ] {
            if let Budget::Percent(p) = budget {
                if p > 100 {
                    return Err(PlanError::InvalidPolicy {
                        field,
                        message: format!("{p}% is above 100%"),
                    });
                }
            }
        }
        let h = &self.health;
        if h.interval_seconds == 0 {
            return Err(invalid("health.interval_seconds", "must be at least 1"));
        }
        if h.deadline_seconds < h.interval_seconds {
            return Err(invalid(
                "health.deadline_seconds",
                "must be at least health.interval_seconds",
            ));
        }
        if let Some(path) = &h.path {
            let safe = path.starts_with('/')
                && path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_.~?=&%".contains(&b));
            if !safe {
                return Err(invalid(
                    "health.path",
                    "must start with `/` and hold only URL path characters (e.g. `/health`)",
                ));
            }
        }
        Ok(())
    }
}

fn invalid(field: &'static str, message: &str) -> PlanError {
    PlanError::InvalidPolicy {
        field,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_parse_counts_and_percentages() {
        assert_eq!("2".parse(), Ok(Budget::Count(2)));
        assert_eq!("25%".parse(), Ok(Budget::Percent(25)));
        assert!("101%".parse::<Budget>().is_err());
        assert!("-1".parse::<Budget>().is_err());
        assert_eq!(Budget::Percent(25).floor_of(7), 1);
        assert_eq!(Budget::Percent(25).ceil_of(7), 2);
    }

    #[test]
    fn policy_deserialises_from_partial_json() {
        let p: Policy =
            serde_json::from_str(r#"{"max_unavailable":"50%","health":{"deadline_seconds":60}}"#)
                .unwrap();
        assert_eq!(p.max_unavailable, Budget::Percent(50));
        assert_eq!(p.health.deadline_seconds, 60);
        assert_eq!(p.health.interval_seconds, 5);
        assert!(serde_json::from_str::<Policy>(r#"{"max_unavailabel":1}"#).is_err());
    }

    #[test]
    fn zero_budget_is_refused() {
        let p = Policy {
            max_unavailable: Budget::Count(0),
            ..Policy::default()
        };
        assert_eq!(p.validate(), Err(PlanError::ZeroBudget));
        let p = Policy {
            max_unavailable: Budget::Count(0),
            max_surge: Budget::Count(1),
            ..Policy::default()
        };
        assert_eq!(p.validate(), Ok(()));
    }
}
