//! Every figure the benchmark prints is a figure over the rounds of the run: the median, the
//! range (min–max) and how many rounds it covers, with each round's value kept in the JSON.
//! A round is never dropped: one that lost events counts like any other, and is named.

use serde_json::{json, Value};

/// The middle of `v` (the mean of the two middle values for an even count); NaN when empty.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// One metric's values, one per round (NaN where a round had nothing to measure).
pub struct Over(pub Vec<f64>);

impl Over {
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        Over(values.into_iter().collect())
    }

    fn measured(&self) -> Vec<f64> {
        self.0.iter().copied().filter(|x| !x.is_nan()).collect()
    }

    pub fn median(&self) -> f64 {
        median(self.0.clone())
    }

    pub fn min(&self) -> f64 {
        self.measured().into_iter().fold(f64::NAN, f64::min)
    }

    pub fn max(&self) -> f64 {
        self.measured().into_iter().fold(f64::NAN, f64::max)
    }

    /// "median (min–max)" with `decimals` places, and "k of N rounds" when some had no value.
    pub fn show(&self, decimals: usize) -> String {
        let m = self.measured();
        if m.is_empty() {
            return format!("— (0 of {} rounds)", self.0.len());
        }
        let part = if m.len() < self.0.len() { format!(", {} of {} rounds", m.len(), self.0.len()) } else { String::new() };
        format!("{:.d$} ({:.d$}–{:.d$}{part})", self.median(), self.min(), self.max(), d = decimals)
    }

    /// `{median, min, max, rounds: [each round's value, null where none]}`.
    pub fn json(&self) -> Value {
        json!({ "median": self.median(), "min": self.min(), "max": self.max(), "rounds": self.0 })
    }
}

/// The column heading over every figure: what the numbers in a cell are.
pub fn heading(rounds: usize) -> String {
    format!("median (min–max) over {rounds} round{}", if rounds == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_range() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(vec![]).is_nan());
        let o = Over(vec![5.0, f64::NAN, 1.0]);
        assert_eq!(o.show(1), "3.0 (1.0–5.0, 2 of 3 rounds)");
        assert_eq!(Over::of([0.0, 2.0, 1.0]).show(0), "1 (0–2)");
        assert_eq!(o.json()["rounds"], json!([5.0, null, 1.0]));
    }
}
