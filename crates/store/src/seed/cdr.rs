//! `demo-cdr`: charging data records named after their creation time, to segregate by date.
//!
//! Some names do not follow the pattern, and a few carry impossible dates.

use std::collections::HashSet;

use chrono::{Duration, NaiveTime};
use rand::Rng;

use super::description::Cdr;
use super::{BodyKind, Seeder, fill};
use crate::DemoError;
use crate::store::PutOptions;

pub fn seed(seeder: &mut Seeder<'_>, cdr: &Cdr) -> Result<(), DemoError> {
    seeder.create_bucket(&cdr.bucket)?;
    let first = cdr.first_day.and_time(NaiveTime::MIN).and_utc();
    let mut names = HashSet::new();
    for seq in 0..cdr.files {
        let created =
            first + Duration::seconds(seeder.rng.random_range(0..i64::from(cdr.days) * 86_400));
        let node = &cdr.nodes[seeder.rng.random_range(0..cdr.nodes.len())];
        let seq = format!("{:04}", seq % 10_000);
        let date = created.format("%Y%m%d").to_string();
        let time = created.format("%H%M%S").to_string();
        let n = format!("{:02}", seeder.rng.random_range(0..100));
        let values = [
            ("node", node.as_str()),
            ("seq", &seq),
            ("date", &date),
            ("time", &time),
            ("n", &n),
        ];
        let template = if seeder.rng.random_range(0..1000) < cdr.unmatched_per_mille {
            &cdr.unmatched[seeder.rng.random_range(0..cdr.unmatched.len())]
        } else {
            &cdr.name
        };
        let name = fill(template, &values);
        // Fixed names (README.txt) are drawn more than once; a bucket holds one of each.
        if !names.insert(name.clone()) {
            continue;
        }
        // Files land a little after the mediation node closes them.
        let arrived = created + Duration::seconds(seeder.rng.random_range(30..900));
        put_record(seeder, cdr, &name, arrived)?;
    }
    for name in &cdr.impossible {
        let arrived =
            first + Duration::seconds(seeder.rng.random_range(0..i64::from(cdr.days) * 86_400));
        put_record(seeder, cdr, name, arrived)?;
    }
    Ok(())
}

fn put_record(
    seeder: &mut Seeder<'_>,
    cdr: &Cdr,
    name: &str,
    arrived: chrono::DateTime<chrono::Utc>,
) -> Result<(), DemoError> {
    let size = seeder.size_in(cdr.size);
    let options = PutOptions {
        content_type: Some("application/octet-stream".to_owned()),
        last_modified: Some(arrived),
        ..PutOptions::default()
    };
    seeder.put_filler(
        &cdr.bucket,
        &format!("{}{name}", cdr.prefix),
        size,
        BodyKind::Binary,
        options,
    )
}
