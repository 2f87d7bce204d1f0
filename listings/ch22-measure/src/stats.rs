//! The summary of a handful of samples: the median, the spread, and the
//! ratio of two medians.

/// The middle sample (the mean of the two middle ones for an even count);
/// `None` without samples. The median, not the mean: one sample hit by a
/// burst of noise from the machine moves the mean, not the median.
pub fn median(samples: &[f64]) -> Option<f64> {
    let sorted = sorted(samples);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The smallest and the largest sample; `None` without samples. With five
/// repeats, an interquartile range would be two of the five samples.
pub fn spread(samples: &[f64]) -> Option<(f64, f64)> {
    let sorted = sorted(samples);
    Some((*sorted.first()?, *sorted.last()?))
}

/// How many times `reference` this costs; `None` when either is missing
/// or the reference is not positive.
pub fn ratio(this: Option<f64>, reference: Option<f64>) -> Option<f64> {
    match (this, reference) {
        (Some(this), Some(reference)) if reference > 0.0 => Some(this / reference),
        _ => None,
    }
}

fn sorted(samples: &[f64]) -> Vec<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_sample() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[7.0]), Some(7.0));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn one_wild_sample_does_not_move_the_median() {
        assert_eq!(median(&[100.0, 101.0, 99.0, 100.0, 10_000.0]), Some(100.0));
    }

    #[test]
    fn the_spread_is_the_smallest_and_the_largest() {
        assert_eq!(spread(&[3.0, 9.0, 1.0]), Some((1.0, 9.0)));
        assert_eq!(spread(&[2.0]), Some((2.0, 2.0)));
        assert_eq!(spread(&[]), None);
    }

    #[test]
    fn a_ratio_needs_both_medians_and_a_positive_reference() {
        assert_eq!(ratio(Some(300.0), Some(100.0)), Some(3.0));
        assert_eq!(ratio(Some(50.0), Some(200.0)), Some(0.25));
        assert_eq!(ratio(None, Some(1.0)), None);
        assert_eq!(ratio(Some(1.0), None), None);
        assert_eq!(ratio(Some(1.0), Some(0.0)), None);
    }
}
