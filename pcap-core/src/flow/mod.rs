//! Flows, Community ID and TCP reassembly. (In progress.)
