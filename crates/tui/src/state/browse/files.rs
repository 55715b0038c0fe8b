//! The files row opened: the objects directly in a prefix (one capped listing), and the HEAD
//! details of the object picked among them.

use super::rows::{Keys, compare};
use super::{Cursor, Sort};
use crate::event::RequestId;
use crate::state::filter::Matcher;
use s3scope_core::prices::Prices;
use s3scope_core::s3::lister::ListedObject;
use s3scope_core::s3::object::ObjectDetails;
use s3scope_core::scan::files::FilesPage;

/// Where a request of this view stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Loading,
    Done,
    Failed(String),
}

/// The objects directly in `prefix`.
#[derive(Debug, Clone)]
pub struct FilesView {
    pub prefix: String,
    pub request: Option<RequestId>,
    pub load: Load,
    /// Objects the tree counted directly in the prefix (the listing may stop short of it).
    pub expected: u64,
    pub page: Option<FilesPage>,
    /// Indices into `page.objects`, filtered and sorted.
    pub order: Vec<usize>,
    pub cursor: Cursor,
}

impl FilesView {
    pub fn new(prefix: String, request: RequestId, expected: u64) -> Self {
        Self {
            prefix,
            request: Some(request),
            load: Load::Loading,
            expected,
            page: None,
            order: Vec::new(),
            cursor: Cursor::default(),
        }
    }

    /// The name of an object below the prefix.
    pub fn name<'a>(&self, o: &'a ListedObject) -> &'a str {
        o.key.strip_prefix(self.prefix.as_str()).unwrap_or(&o.key)
    }

    pub fn objects(&self) -> impl Iterator<Item = &ListedObject> {
        let all = self.page.as_ref().map_or(&[][..], |p| p.objects.as_slice());
        self.order.iter().filter_map(move |&i| all.get(i))
    }

    pub fn selected(&self) -> Option<&ListedObject> {
        let i = *self.order.get(self.cursor.selected)?;
        self.page.as_ref()?.objects.get(i)
    }

    /// Re-applies the filter and sort, keeping the selected key.
    pub fn reorder(&mut self, sort: Sort, filter: &Matcher, prices: Option<&Prices>) {
        let keep = self.selected().map(|o| o.key.clone());
        let Some(page) = &self.page else {
            self.order.clear();
            return;
        };
        let prefix = self.prefix.as_str();
        let name = |o: &ListedObject| o.key.strip_prefix(prefix).unwrap_or(&o.key).to_string();
        let mut order: Vec<usize> = (0..page.objects.len())
            .filter(|&i| filter.matches(&name(&page.objects[i])))
            .collect();
        let names: Vec<String> = page.objects.iter().map(name).collect();
        let key = |i: usize| {
            let o = &page.objects[i];
            Keys {
                name: &names[i],
                objects: 1,
                bytes: o.size,
                newest: o.last_modified.map(|t| t.timestamp()),
                cost: prices.map_or(0.0, |p| p.monthly(&o.storage_class, o.size)),
            }
        };
        order.sort_by(|&a, &b| compare(sort, key(a), key(b)));
        self.order = order;
        if let Some(k) = keep
            && let Some(i) = self.order.iter().position(|&i| page.objects[i].key == k)
        {
            self.cursor.selected = i;
        }
        self.cursor.selected = self.cursor.selected.min(self.order.len().saturating_sub(1));
        self.cursor.offset = self.cursor.offset.min(self.cursor.selected);
    }
}

/// One object's HEAD.
#[derive(Debug, Clone)]
pub struct ObjectView {
    pub key: String,
    pub request: Option<RequestId>,
    pub load: Load,
    pub details: Option<ObjectDetails>,
}

impl ObjectView {
    pub fn new(key: String, request: RequestId) -> Self {
        Self {
            key,
            request: Some(request),
            load: Load::Loading,
            details: None,
        }
    }
}
