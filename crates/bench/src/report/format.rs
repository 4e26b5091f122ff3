//! How numbers are written in the report.

/// `value` with thousands separators and `decimals` decimals; `–` when not a number.
pub(super) fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// Milliseconds with three decimals.
pub(super) fn ms(value: f64) -> String {
    number(value, 3)
}

/// A signed difference in milliseconds.
pub(super) fn added_ms(value: f64) -> String {
    if value.is_finite() && value >= 0.0 {
        format!("+{}", number(value, 3))
    } else {
        number(value, 3)
    }
}

/// A ratio such as `0.87×`.
pub(super) fn ratio(numerator: f64, denominator: f64) -> String {
    let value = numerator / denominator;
    if value.is_finite() {
        format!("{value:.2}×")
    } else {
        "–".to_owned()
    }
}

/// Bytes as MiB with one decimal.
pub(super) fn mib(bytes: u64) -> String {
    number(bytes as f64 / f64::from(1u32 << 20), 1)
}
