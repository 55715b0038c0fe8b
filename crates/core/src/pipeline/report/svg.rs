//! Line and bar charts drawn as inline SVG (no JavaScript); labels escaped like all text.

use super::esc;
use std::fmt::Write;

const COLORS: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f",
];

/// Charts shrink with a narrow window (800 px) instead of running off the page.
const FIT: &str = "max-width:100%;height:auto";
/// Day labels drawn at most (each is ~60 px wide at 11 px; more would overlap).
const MAX_X_LABELS: usize = 8;
/// Legend entries per row, and the characters of a name that fit one entry's width.
const LEGEND_PER_ROW: usize = 4;
const LEGEND_CHARS: usize = 22;

/// A line chart: one polyline per run of known values of each series over the x labels; a
/// `None` (a day without data) is a gap, the line broken there, not a point at 0.
pub(super) fn line_chart(
    x: &[String],
    series: &[(String, Vec<Option<f64>>)],
    unit: &dyn Fn(f64) -> String,
) -> String {
    let (w, h, left, bottom) = (760.0, 260.0, 90.0, 40.0);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let n = x.len().max(2) as f64 - 1.0;
    let px = |i: usize| left + (w - left - 20.0) * i as f64 / n;
    let py = |v: f64| 10.0 + (h - bottom - 10.0) * (1.0 - v / max);
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {}\" width=\"{w}\" style=\"{FIT}\" role=\"img\">",
        h + 20.0 * series.len().div_ceil(LEGEND_PER_ROW) as f64
    );
    for t in 0..=4 {
        let v = max * f64::from(t) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            w - 20.0,
            left - 6.0,
            py(v) + 4.0,
            esc(&unit(v)),
            y = py(v)
        );
    }
    let step = x.len().div_ceil(MAX_X_LABELS).max(1);
    for (i, label) in x.iter().enumerate().step_by(step) {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            px(i),
            h - bottom + 16.0,
            esc(label)
        );
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let mut runs: Vec<Vec<String>> = vec![Vec::new()];
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push(format!("{:.1},{:.1}", px(i), py(*v)));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let _ = write!(
                s,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                run.join(" ")
            );
            for p in run {
                let (cx, cy) = p.split_once(',').unwrap_or(("0", "0"));
                let _ = write!(
                    s,
                    "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" fill=\"{color}\"/>"
                );
            }
        }
        let (lx, ly) = (
            left + 170.0 * (k % LEGEND_PER_ROW) as f64,
            h + 20.0 * (k / LEGEND_PER_ROW) as f64,
        );
        // A long name is cut to its entry's width; the whole name is its tooltip.
        let _ = write!(
            s,
            "<g><title>{}</title><rect x=\"{lx}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{}\" y=\"{ly}\" font-size=\"12\">{}</text></g>",
            esc(name),
            ly - 9.0,
            lx + 14.0,
            esc(&truncate(name, LEGEND_CHARS))
        );
    }
    s.push_str("</svg>");
    s
}

/// A horizontal bar chart of labelled values.
pub(super) fn bar_chart(bars: &[(String, f64)], unit: &dyn Fn(f64) -> String) -> String {
    let (w, row) = (760.0, 22.0);
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" style=\"{FIT}\" role=\"img\">",
        h = row * bars.len() as f64 + 4.0
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = row * i as f64;
        let bw = 400.0 * v / max;
        let _ = write!(
            s,
            "<text x=\"230\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text><rect x=\"240\" y=\"{}\" width=\"{bw:.1}\" height=\"{}\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 15.0,
            esc(&truncate(label, 36)),
            y + 3.0,
            row - 6.0,
            COLORS[0],
            246.0 + bw,
            y + 15.0,
            esc(&unit(*v))
        );
    }
    s.push_str("</svg>");
    s
}

pub(super) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_labels_do_not_crowd_and_long_names_fit_the_legend() {
        let days: Vec<String> = (1..=31).map(|d| format!("2026-12-{d:02}")).collect();
        let long = "a-bucket-name-much-longer-than-one-legend-entry".to_string();
        let values: Vec<Option<f64>> = (0..31).map(|i| (i != 4).then_some(i as f64)).collect();
        let svg = line_chart(&days, &[(long.clone(), values)], &|v| format!("{v}"));
        let labels = days
            .iter()
            .filter(|d| svg.contains(&format!(">{d}<")))
            .count();
        assert!((2..=MAX_X_LABELS).contains(&labels), "{labels} day labels");
        assert!(svg.contains(&format!("<title>{long}</title>")), "{svg}");
        assert!(svg.contains(">a-bucket-name-much-lo…<"), "{svg}");
        assert!(svg.contains("style=\"max-width:100%;height:auto\""));
        // The day without a value breaks the line: two runs, 30 points.
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 30);
    }
}
