//! The chart, written as SVG by hand: a panel per work size, a bar per
//! pool (the median cost per paper) with a whisker from the fastest to the
//! slowest repeat. Each panel has its own linear scale: the point is to
//! compare pools at one work size, and 100 µs of work would flatten the
//! bars of empty work on a shared one.
//!
//! mdBook includes the file inline in a chapter, where a blank line would
//! end the HTML block and show the rest as text: the SVG has no blank
//! line, and its first line is the whole opening `<svg>` tag. It scales
//! to the width of the page, up to its own.

use std::fmt::Write;

use crate::report::{self, Row};
use crate::results::Measurements;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 450.0;
const PLOT_TOP: f64 = 96.0;
const PLOT_BOTTOM: f64 = 336.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
/// Room in a panel for its tick labels, left of its axis.
const TICK_ROOM: f64 = 44.0;

/// Each pool keeps its colour whatever else a run measured. Pools whose
/// hand-off means "an employee holds the paper" are in strong colours;
/// those that only queue the paper are in pale ones.
fn colour(pool: &str) -> &'static str {
    match pool {
        "straight" => "#1f77b4",
        "in-tray" => "#aec7e8",
        "std-rendezvous" => "#ff7f0e",
        "rust-book" => "#ffbb78",
        "capstone" => "#2ca02c",
        "threadpool" => "#c5b0d5",
        "rayon" => "#f7b6d2",
        "go" => "#8c564b",
        _ => "#7f7f7f",
    }
}

pub fn chart(measurements: &Measurements) -> String {
    let rows = report::rows(measurements);
    let works = measurements.work_sizes();
    let pools = measurements.pools();
    let mut svg = String::new();
    // The whole opening tag on the first line (see the module's note).
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" style="max-width: {WIDTH}px; height: auto" font-family="sans-serif" role="img" aria-label="Cost per paper of each pool at each work size">"#
    );
    // A background of its own: the book's dark themes would hide black text.
    let _ = writeln!(
        svg,
        r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##
    );
    let title = "Cost per paper: what each hand-off guarantee costs";
    text(&mut svg, WIDTH / 2.0, 26.0, "middle", 18.0, "bold", title);
    let subtitle = format!(
        "Median of {} (bar, and the number above it) and min–max (whisker), ns per paper, team of {}; lower is better",
        report::repeats(measurements.repeats),
        measurements.team_size
    );
    text(
        &mut svg,
        WIDTH / 2.0,
        48.0,
        "middle",
        13.0,
        "normal",
        &subtitle,
    );
    let machine = &measurements.machine;
    let on = format!(
        "{}, {} logical CPUs, {}, {}, {} build",
        machine.cpu,
        machine.logical_cpus,
        machine.date,
        machine.go.as_deref().unwrap_or("no Go"),
        measurements.build
    );
    text(&mut svg, WIDTH / 2.0, 66.0, "middle", 11.0, "normal", &on);

    // The y axis label, once, left of the first panel.
    let middle = (PLOT_TOP + PLOT_BOTTOM) / 2.0;
    let _ = writeln!(
        svg,
        r#"<text x="34" y="{middle:.1}" text-anchor="middle" font-size="13" transform="rotate(-90 34 {middle:.1})">ns per paper</text>"#
    );

    let panel_width = (WIDTH - LEFT - RIGHT) / works.len().max(1) as f64;
    for (w, work) in works.iter().enumerate() {
        let x0 = LEFT + w as f64 * panel_width;
        let in_panel: Vec<&Row> = rows.iter().filter(|row| row.work == *work).collect();
        panel(&mut svg, x0, panel_width, work, &in_panel);
    }
    text(
        &mut svg,
        (LEFT + WIDTH - RIGHT) / 2.0,
        PLOT_BOTTOM + 44.0,
        "middle",
        13.0,
        "normal",
        "work per paper",
    );
    legend(&mut svg, &pools);
    svg += "</svg>\n";
    svg
}

/// One work size: its axis, grid, bars and whiskers.
fn panel(svg: &mut String, x0: f64, width: f64, work: &str, rows: &[&Row]) {
    let axis = x0 + TICK_ROOM;
    let highest = rows
        .iter()
        .filter_map(|row| row.spread.map(|(_, max)| max))
        .fold(0.0, f64::max);
    // Room above the highest whisker for its value label.
    let (step, top) = scale(highest * 1.25);
    let y = |value: f64| PLOT_BOTTOM - value / top * (PLOT_BOTTOM - PLOT_TOP);

    let mut tick = 0.0;
    while tick <= top * (1.0 + 1e-9) {
        let ty = y(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{axis:.1}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#dddddd"/>"##,
            x0 + width - 8.0
        );
        let label = tick_label(tick);
        text(svg, axis - 4.0, ty + 4.0, "end", 10.0, "normal", &label);
        tick += step;
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{axis:.1}" y1="{PLOT_TOP:.1}" x2="{axis:.1}" y2="{PLOT_BOTTOM:.1}" stroke="#333333"/>"##
    );

    let slot = (x0 + width - 8.0 - axis) / rows.len().max(1) as f64;
    for (i, row) in rows.iter().enumerate() {
        let centre = axis + slot * (i as f64 + 0.5);
        match (row.median, row.spread) {
            (Some(median), Some((min, max))) => {
                let (bar, top_y) = (slot * 0.78, y(median));
                let _ = writeln!(
                    svg,
                    r#"<rect x="{:.1}" y="{top_y:.1}" width="{bar:.1}" height="{:.1}" fill="{}"><title>{}</title></rect>"#,
                    centre - bar / 2.0,
                    PLOT_BOTTOM - top_y,
                    colour(row.pool),
                    escape(&format!(
                        "{} at {}: {} ns per paper (min–max {}–{})",
                        row.pool,
                        report::work_label(work),
                        report::ns(median),
                        report::ns(min),
                        report::ns(max)
                    ))
                );
                let (low, high, cap) = (y(min), y(max), slot * 0.2);
                let _ = writeln!(
                    svg,
                    r##"<path d="M{centre:.1} {low:.1}V{high:.1}M{:.1} {low:.1}h{:.1}M{:.1} {high:.1}h{:.1}" stroke="#222222" fill="none"/>"##,
                    centre - cap,
                    2.0 * cap,
                    centre - cap,
                    2.0 * cap
                );
                // The median, written upwards above the whisker: bars of
                // a few hundred ns in a panel of thousands still say theirs.
                let ly = high - 4.0;
                let _ = writeln!(
                    svg,
                    r#"<text x="{:.1}" y="{ly:.1}" font-size="9" transform="rotate(-90 {:.1} {ly:.1})">{}</text>"#,
                    centre + 3.0,
                    centre + 3.0,
                    report::ns(median)
                );
            }
            _ => {
                // Not measured (the Go pool without `go`): say so in place.
                let by = PLOT_BOTTOM - 4.0;
                let _ = writeln!(
                    svg,
                    r##"<text x="{centre:.1}" y="{by:.1}" font-size="9" fill="#555555" transform="rotate(-90 {centre:.1} {by:.1})">{} skipped</text>"##,
                    escape(row.pool)
                );
            }
        }
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{axis:.1}" y1="{PLOT_BOTTOM:.1}" x2="{:.1}" y2="{PLOT_BOTTOM:.1}" stroke="#333333"/>"##,
        x0 + width - 8.0
    );
    let caption = match work {
        "empty" => "empty".to_string(),
        _ => report::work_label(work),
    };
    let middle = (axis + x0 + width - 8.0) / 2.0;
    text(
        svg,
        middle,
        PLOT_BOTTOM + 20.0,
        "middle",
        13.0,
        "bold",
        &caption,
    );
}

/// The pools' colours, in rows of up to four.
fn legend(svg: &mut String, pools: &[&str]) {
    let per_row = 4;
    let column = (WIDTH - LEFT - RIGHT) / per_row as f64;
    for (i, pool) in pools.iter().enumerate() {
        let x = LEFT + column * (i % per_row) as f64 + 40.0;
        let y = PLOT_BOTTOM + 66.0 + 20.0 * (i / per_row) as f64;
        let _ = writeln!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="14" height="14" fill="{}"/>"#,
            y - 11.0,
            colour(pool)
        );
        text(svg, x + 20.0, y, "start", 12.0, "normal", pool);
    }
}

/// A tick step of 1, 2, 2.5 or 5 times a power of ten giving four or five
/// ticks, and the top of the axis: a whole number of steps above `highest`.
fn scale(highest: f64) -> (f64, f64) {
    if highest <= 0.0 || !highest.is_finite() {
        return (1.0, 4.0);
    }
    let rough = highest / 4.0;
    let power = 10f64.powi(rough.log10().floor() as i32);
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= rough)
        .unwrap_or(10.0 * power);
    (step, (highest / step).ceil() * step)
}

/// `20000` as `20k`; others as short as they go.
fn tick_label(value: f64) -> String {
    let value = (value * 1e6).round() / 1e6;
    if value >= 1000.0 && value % 1000.0 == 0.0 {
        format!("{}k", value / 1000.0)
    } else {
        format!("{value}")
    }
}

fn text(svg: &mut String, x: f64, y: f64, anchor: &str, size: f64, weight: &str, body: &str) {
    let _ = writeln!(
        svg,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}">{}</text>"#,
        escape(body)
    );
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_goes_a_whole_step_above_the_highest_bar() {
        assert_eq!(scale(310.0), (100.0, 400.0));
        assert_eq!(scale(55_000.0), (20_000.0, 60_000.0));
        assert_eq!(scale(9.0), (2.5, 10.0));
        assert_eq!(scale(0.0), (1.0, 4.0));
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(20_000.0), "20k");
        assert_eq!(tick_label(2.5), "2.5");
        assert_eq!(tick_label(0.1 + 0.2), "0.3");
        assert_eq!(tick_label(0.0), "0");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape(r#"a <b> & "c""#), "a &lt;b&gt; &amp; &quot;c&quot;");
    }
}
