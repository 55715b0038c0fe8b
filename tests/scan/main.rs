//! Integration tests of listing and scanning against the embedded store, Ceph RGW and moto: du, snapshots, bucket tables.

#[path = "../support/mod.rs"]
mod support;

mod browse_ceph;
mod browse_embedded;
mod browse_files;
mod buckets_cloudwatch;
mod buckets_cost;
mod ceph_rgw;
mod inventory;
mod inventory_ceph;
mod lister;
mod moto_cloudwatch;
mod ncdu_export;
mod snapshot_cli;
mod snapshot_files;
