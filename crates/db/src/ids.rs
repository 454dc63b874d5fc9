//! Typed row ids, so that a function taking two of them cannot be called
//! with the two swapped.
//!
//! Every id is a PostgreSQL `bigint` and is bound and loaded as one; the
//! newtypes only exist for the compiler. There is deliberately no
//! `From<i64>`: an id enters the type system through an explicit
//! [`AccountId::new`] (a path parameter, a job payload), so a bare number
//! never becomes an account id by accident.
//!
//! A follower/target pair swapped is a compile error:
//!
//! ```compile_fail
//! use ferrodon_db::ids::{AccountId, StatusId};
//! fn favourite(_account: AccountId, _status: StatusId) {}
//! let me = AccountId::new(1);
//! let post = StatusId::new(2);
//! favourite(post, me);
//! ```
//!
//! ```
//! use ferrodon_db::ids::{AccountId, StatusId};
//! fn favourite(_account: AccountId, _status: StatusId) {}
//! favourite(AccountId::new(1), StatusId::new(2));
//! ```
use std::fmt;
use std::str::FromStr;

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            diesel::AsExpression,
            diesel::FromSqlRow,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[diesel(sql_type = BigInt)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id of this number; say where the number comes from at the call.
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            /// The bare number, for keys, payloads and arithmetic.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        impl ToSql<BigInt, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <i64 as ToSql<BigInt, Pg>>::to_sql(&self.0, out)
            }
        }

        impl FromSql<BigInt, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                <i64 as FromSql<BigInt, Pg>>::from_sql(bytes).map(Self)
            }
        }
    };
}

id_type!(
    /// `accounts.id`, and every column that points at an account
    /// (`account_id`, `target_account_id`, `from_account_id`, …).
    AccountId
);

id_type!(
    /// `statuses.id`, and every column that points at a status
    /// (`status_id`, `in_reply_to_id`, `reblog_of_id`, …).
    StatusId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_and_display_are_the_number() {
        let id = AccountId::new(109_876_543_210);
        assert_eq!(id.to_string(), "109876543210");
        assert_eq!(format!("{id:?}"), "109876543210");
        assert_eq!(serde_json::to_string(&id).unwrap(), "109876543210");
        let back: StatusId = serde_json::from_str("42").unwrap();
        assert_eq!(back, StatusId::new(42));
        assert_eq!("7".parse::<AccountId>(), Ok(AccountId::new(7)));
    }
}
