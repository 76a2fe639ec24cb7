//! Reference data that every source is checked against: the official list of
//! administrative units (and, later, population figures).
//!
//! Kept apart from `sources` because it is read once per run and shared by all of them.

pub mod crosswalk;
pub mod org_units;
pub mod scope;
pub mod versions;

pub use org_units::{Level, LoadError, OrgUnit, OrgUnits, ResolveError};
pub use scope::{Scope, TopUnit};
pub use versions::{UnitList, UnitLists};
