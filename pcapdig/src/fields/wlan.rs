//! The 802.11 columns of `pcapdig fields` (`wlan.bssid`, `wlan.sa`...,
//! `llc.type`, `radiotap.channel.freq`, `radiotap.dbm_antsignal`,
//! `wlan.fc.type_subtype`): computed from the frame's radiotap, 802.11 and
//! LLC layers by [`protocols::wlan::columns`], as tshark prints them.

use protocols::Dissection;
use protocols::wlan::columns;

use super::text::Line;

/// The column index of a field name, if it is one of the 802.11 columns.
pub fn column(name: &str) -> Option<usize> {
    columns::index(name)
}

/// The name of column `index`.
pub fn name(index: usize) -> &'static str {
    columns::NAMES.get(index).copied().unwrap_or("")
}

/// Writes the cell of column `index` for the dissected frame `d`.
pub fn write(out: &mut Line, index: usize, d: &Dissection<'_>) {
    // Writing to a `Line` cannot fail.
    let _ = columns::write_cell(d, index, out);
}
