//! Access control of a replica set this deployment runs: when MONGO_URL carries credentials,
//! every mongod needs authorization and one shared keyfile (members authenticate to each other
//! with it), and the users of MONGO_URL and MONGO_OPLOG_URL must exist. The renderer
//! (`mongod.conf`, `rs-initiate.js`) and the planner (keyfile and initiate steps) read this one
//! description, so the files and the plan agree.
//!
//! Passwords never appear here: each user names the environment variable the initiating script
//! reads its password from at run time.

use crate::model::{Member, Mongo};
use crate::mongo_url::MongoUrl;
use serde::{Deserialize, Serialize};

/// Where every member's keyfile lives (`security.keyFile`).
pub(crate) const KEYFILE: &str = "/etc/mongod.keyfile";
/// The system user mongod runs as (the distribution packages' `mongodb`): it owns the keyfile.
pub(crate) const MONGOD_USER: &str = "mongodb";
/// The administrator created first, while MongoDB's localhost exception allows exactly one user
/// to be created without authentication; it then creates the others.
pub(crate) const ADMIN_USER: &str = "admin";
pub(crate) const ADMIN_PASSWORD_ENV: &str = "RCTOPO_MONGO_ADMIN_PASSWORD";
pub(crate) const MONGO_PASSWORD_ENV: &str = "RCTOPO_MONGO_PASSWORD";
pub(crate) const OPLOG_PASSWORD_ENV: &str = "RCTOPO_OPLOG_PASSWORD";

/// One role on one database, as `createUser` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub role: String,
    pub db: String,
}

/// A user the initiating script creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbUser {
    pub user: String,
    /// The database the user is created in (the URL's authSource, else its database).
    pub auth_db: String,
    pub roles: Vec<Role>,
    /// The environment variable holding the password when the script runs.
    pub password_env: String,
}

fn role(role: &str, db: &str) -> Role {
    Role {
        role: role.into(),
        db: db.into(),
    }
}

/// Whether mongod must run with access control: MONGO_URL names a user.
pub(crate) fn required(mongo: &Mongo) -> bool {
    MongoUrl::parse(&mongo.url).is_ok_and(|u| u.username.is_some())
}

/// The users to create after `rs.initiate`, administrator first. Empty without access control.
///
/// - MONGO_URL's user: `readWrite` on its database (reads, writes and the change streams Rocket.Chat
///   watches), and `clusterMonitor` on `admin`, which Rocket.Chat's startup asks for to read
///   `serverStatus` (`getMongoInfo.ts`).
/// - MONGO_OPLOG_URL's user: `read` on `local`, where the oplog lives (merged into MONGO_URL's
///   user when both URLs name the same user).
///
/// A URL whose user has no password (x.509, AWS, Kerberos) authenticates elsewhere: no user is
/// created for it.
pub(crate) fn users(mongo: &Mongo) -> Vec<DbUser> {
    if !required(mongo) {
        return Vec::new();
    }
    let mut users = vec![DbUser {
        user: ADMIN_USER.into(),
        auth_db: "admin".into(),
        roles: vec![role("root", "admin")],
        password_env: ADMIN_PASSWORD_ENV.into(),
    }];
    if let Some(url) = password_user(&mongo.url) {
        let db = url.database.as_deref().unwrap_or("rocketchat");
        users.push(DbUser {
            user: url.username.as_deref().unwrap_or_default().to_string(),
            auth_db: url.effective_auth_db().to_string(),
            roles: vec![role("readWrite", db), role("clusterMonitor", "admin")],
            password_env: MONGO_PASSWORD_ENV.into(),
        });
    }
    if let Some(url) = mongo.oplog_url.as_deref().and_then(password_user) {
        let name = url.username.as_deref().unwrap_or_default().to_string();
        let auth_db = url.effective_auth_db().to_string();
        match users
            .iter_mut()
            .find(|u| u.user == name && u.auth_db == auth_db)
        {
            Some(same) => same.roles.push(role("read", "local")),
            None => users.push(DbUser {
                user: name,
                auth_db,
                roles: vec![role("read", "local")],
                password_env: OPLOG_PASSWORD_ENV.into(),
            }),
        }
    }
    users
}

fn password_user(url: &str) -> Option<MongoUrl> {
    MongoUrl::parse(url)
        .ok()
        .filter(|u| u.username.is_some() && u.has_password())
}

/// The member `rs.initiate` runs on: the first data-bearing one (an arbiter holds no data and
/// cannot become primary), else the first.
pub(crate) fn initiating_member(members: &[Member]) -> Option<usize> {
    members
        .iter()
        .position(|m| !m.arbiter)
        .or((!members.is_empty()).then_some(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mongo(url: &str, oplog: Option<&str>) -> Mongo {
        let mut m = crate::example::topology().mongo;
        m.url = url.into();
        m.oplog_url = oplog.map(String::from);
        m
    }

    #[test]
    fn no_credentials_no_access_control() {
        let m = mongo("mongodb://db1/rocketchat?replicaSet=rs0", None);
        assert!(!required(&m));
        assert!(users(&m).is_empty());
    }

    #[test]
    fn creates_admin_then_the_urls_users_with_their_roles() {
        let m = mongo(
            "mongodb://rc:pw@db1/rocketchat?replicaSet=rs0&authSource=admin",
            Some("mongodb://oplogger:pw2@db1/local?replicaSet=rs0&authSource=admin"),
        );
        let u = users(&m);
        let names: Vec<&str> = u.iter().map(|u| u.user.as_str()).collect();
        assert_eq!(names, ["admin", "rc", "oplogger"]);
        assert_eq!(u[1].auth_db, "admin");
        assert_eq!(
            u[1].roles,
            [
                role("readWrite", "rocketchat"),
                role("clusterMonitor", "admin")
            ]
        );
        assert_eq!(u[2].roles, [role("read", "local")]);
        assert_eq!(u[2].password_env, OPLOG_PASSWORD_ENV);
        let text = serde_json::to_string(&u).unwrap();
        assert!(!text.contains("pw"), "{text}");
    }

    #[test]
    fn one_user_for_both_urls_gets_both_roles() {
        let m = mongo(
            "mongodb://rc:pw@db1/rocketchat?replicaSet=rs0&authSource=admin",
            Some("mongodb://rc:pw@db1/local?replicaSet=rs0&authSource=admin"),
        );
        let u = users(&m);
        assert_eq!(u.len(), 2);
        assert!(u[1].roles.contains(&role("read", "local")));
    }

    #[test]
    fn the_first_data_member_initiates() {
        let mut m = crate::example::topology().mongo;
        m.members[0].arbiter = true;
        m.members.push(m.members[0].clone());
        m.members[1].arbiter = false;
        assert_eq!(initiating_member(&m.members), Some(1));
        assert_eq!(initiating_member(&[]), None);
    }
}
