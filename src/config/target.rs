//! A target of the plan, parsed once from the pipeline file (`">= 0.985"`, `"< baseline"`)
//! into a comparison and a goal, so nothing downstream re-reads the string.

use std::fmt;
use std::str::FromStr;

/// Indicators a pipeline file may set a target for (DESIGN.md, "Indicators").
pub const KNOWN_INDICATORS: &[&str] = &[
    "special_support_rate",
    "event_month_of_action",
    "event_mid_autumn",
    "event_children_forum",
    "staff_trained_rate",
    "abused_children_supported_rate",
    "abuse_intervention_timely_rate",
    "abuse_plan_timely_rate",
    "injured_children",
    "injury_deaths",
    "abused_children",
    "fund_raised_vnd",
    "report_completeness",
    "report_timeliness",
    "special_children_share",
    "at_risk_children",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    MoreThan,
    AtMost,
    LessThan,
    Equal,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::MoreThan => ">",
            Comparison::AtMost => "<=",
            Comparison::LessThan => "<",
            Comparison::Equal => "=",
        }
    }
}

/// What a value is compared with: a fixed number, or the same indicator in the baseline year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    Value(f64),
    Baseline,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetRule {
    pub comparison: Comparison,
    pub goal: Goal,
}

impl TargetRule {
    /// Whether `value` meets the rule; `None` when there is nothing to compare
    /// (no value, or a baseline goal without a baseline).
    pub fn is_met(&self, value: Option<f64>, baseline: Option<f64>) -> Option<bool> {
        let value = value?;
        let goal = match self.goal {
            Goal::Value(v) => v,
            Goal::Baseline => baseline?,
        };
        // Rates are computed in floating point: 0.985 must equal 197/200.
        let eps = 1e-9 * goal.abs().max(1.0);
        Some(match self.comparison {
            Comparison::AtLeast => value >= goal - eps,
            Comparison::MoreThan => value > goal + eps,
            Comparison::AtMost => value <= goal + eps,
            Comparison::LessThan => value < goal - eps,
            Comparison::Equal => (value - goal).abs() <= eps,
        })
    }
}

impl fmt::Display for TargetRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.goal {
            Goal::Value(v) => write!(f, "{} {}", self.comparison.symbol(), v),
            Goal::Baseline => write!(f, "{} baseline", self.comparison.symbol()),
        }
    }
}

impl FromStr for TargetRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        // Longest operators first, so ">=" is not read as ">" followed by "=0.9".
        let ops = [
            (">=", Comparison::AtLeast),
            ("<=", Comparison::AtMost),
            ("==", Comparison::Equal),
            (">", Comparison::MoreThan),
            ("<", Comparison::LessThan),
            ("=", Comparison::Equal),
        ];
        let (comparison, rest) = ops
            .iter()
            .find_map(|(op, cmp)| s.strip_prefix(op).map(|rest| (*cmp, rest.trim())))
            .ok_or_else(|| {
                format!(
                    "Target \"{s}\" must start with one of >=, >, <=, <, = (as in \">= 0.985\")."
                )
            })?;
        let goal = if rest.eq_ignore_ascii_case("baseline") {
            Goal::Baseline
        } else {
            let v: f64 = rest.replace('_', "").parse().map_err(|_| {
                format!("Target \"{s}\" compares with \"{rest}\", which is neither a number nor \"baseline\".")
            })?;
            if !v.is_finite() {
                return Err(format!(
                    "Target \"{s}\" compares with a value that is not finite."
                ));
            }
            Goal::Value(v)
        };
        Ok(TargetRule { comparison, goal })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_operator_and_the_baseline() {
        let r: TargetRule = ">= 0.985".parse().unwrap();
        assert_eq!(r.comparison, Comparison::AtLeast);
        assert_eq!(r.goal, Goal::Value(0.985));
        let r: TargetRule = "<baseline".parse().unwrap();
        assert_eq!(r.comparison, Comparison::LessThan);
        assert_eq!(r.goal, Goal::Baseline);
        let r: TargetRule = "= 1".parse().unwrap();
        assert_eq!(r.comparison, Comparison::Equal);
        let r: TargetRule = ">= 4_000_000_000".parse().unwrap();
        assert_eq!(r.goal, Goal::Value(4e9));
    }

    #[test]
    fn refuses_what_is_not_a_target() {
        assert!("0.985".parse::<TargetRule>().is_err());
        assert!(">= lots".parse::<TargetRule>().is_err());
        assert!(">= inf".parse::<TargetRule>().is_err());
    }

    #[test]
    fn judges_values_against_the_goal() {
        let at_least: TargetRule = ">= 0.985".parse().unwrap();
        assert_eq!(at_least.is_met(Some(197.0 / 200.0), None), Some(true));
        assert_eq!(at_least.is_met(Some(0.9849), None), Some(false));
        assert_eq!(at_least.is_met(None, None), None);
        let fewer: TargetRule = "< baseline".parse().unwrap();
        assert_eq!(fewer.is_met(Some(48.0), Some(55.0)), Some(true));
        assert_eq!(fewer.is_met(Some(55.0), Some(55.0)), Some(false));
        assert_eq!(fewer.is_met(Some(48.0), None), None);
        let all: TargetRule = "= 1".parse().unwrap();
        assert_eq!(all.is_met(Some(17.0 / 17.0), None), Some(true));
        assert_eq!(all.is_met(Some(16.0 / 17.0), None), Some(false));
    }
}
