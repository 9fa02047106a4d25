//! Flows: the packet summary everything downstream of the dissector works
//! on, Community ID v1, bidirectional session tracking and TCP reassembly.
//!
//! - [`PacketSummary`] — a packet's layers 2–4 as a small `Copy` struct,
//!   filled by the dissector. Nothing in this module parses packets.
//! - [`FlowKey`] / [`CommunityId`] — the canonical 5-tuple and its
//!   Community ID v1 hash.
//! - [`FlowTable`] — bidirectional sessions with [`Locations`] of their
//!   packets, handed out when they end.
//! - [`StreamReassembler`] / [`TcpStreamPair`] — TCP byte streams from
//!   segments, with gaps recorded.
//! - [`Defragmenter`] — IP datagram payloads from their fragments.
//!
//! Each submodule's docs give its rules (the Community ID algorithm, the
//! location encoding, when sessions end and the defaults, reassembly
//! policy); everything is re-exported here.

pub mod community_id;
pub mod defrag;
mod fragments;
mod index;
pub mod locations;
pub mod reassembly;
mod slot_key;
pub mod summary;
pub mod table;
mod vlan_stacks;

/// The capture's [`Timestamp`](crate::capture::Timestamp): flows take
/// record times as they are read.
pub use crate::capture::Timestamp;
pub use community_id::{
    COMMUNITY_ID_LEN, CommunityId, FlowKey, Side, community_id, icmp_port_equivalents,
    proto_has_ports,
};
pub use defrag::{DEFAULT_MAX_DATAGRAMS, DatagramId, Defragmenter, MAX_DATAGRAM_LEN};
pub use fragments::{FRAGMENT_TIMEOUT, MAX_HELD_FRAGMENTS, MAX_TRACKED_DATAGRAMS};
pub use locations::{
    FOLD_START, Location, LocationDecodeError, LocationIter, Locations, fold_digest,
};
pub use reassembly::{DEFAULT_MAX_BUFFERED, Gap, StreamReassembler, TcpStreamPair};
pub use summary::{IpPair, MAX_VLANS, PacketSummary};
pub use table::{
    DirStats, EndReason, Endpoint, FlowConfig, FlowStats, FlowTable, Pending, Session,
};
pub use vlan_stacks::MAX_VLAN_STACKS;
