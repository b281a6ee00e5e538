//! The rows a campaign imports: a file, any iterator, or any stream.

use std::fmt;
use std::pin::Pin;

use futures_util::Stream;

use crate::row::Row;
use crate::source::{ReadError, SourceDigest, SourceError, SourceFile};

/// Where a campaign's rows come from, with the digest that tells a later run whether it
/// is the same source.
///
/// ```no_run
/// use wasphere_campaign::{CampaignSource, Row, SourceFile};
/// # fn run() -> Result<(), wasphere_campaign::SourceError> {
/// // A file: its SHA-256 is the digest.
/// let from_file = CampaignSource::file(&SourceFile::new("customers.csv")?)?;
/// // Your own rows: name the data set, so a resume can tell it is the same.
/// let rows = (2..1000).map(|n| Row::from_pairs(n, [("phone", format!("92300{n:07}"))]));
/// let from_code = CampaignSource::rows(rows).digest("orders-2026-11-25");
/// # Ok(()) }
/// ```
pub struct CampaignSource {
    pub(crate) rows: RowsOf,
    pub(crate) digest: Option<SourceDigest>,
    pub(crate) name: Option<String>,
}

pub(crate) enum RowsOf {
    Iter(Box<dyn Iterator<Item = Result<Row, ReadError>> + Send>),
    Stream(Pin<Box<dyn Stream<Item = Result<Row, ReadError>> + Send>>),
}

impl fmt::Debug for CampaignSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CampaignSource")
            .field("digest", &self.digest)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl CampaignSource {
    /// The rows of a file, its SHA-256 as the digest and its path as the name.
    ///
    /// # Errors
    /// [`SourceError`] when the file cannot be read or its header is bad.
    pub fn file(file: &SourceFile) -> Result<CampaignSource, SourceError> {
        let digest = file.digest()?;
        Ok(CampaignSource {
            rows: RowsOf::Iter(Box::new(file.rows()?)),
            digest: Some(digest),
            name: Some(file.path().display().to_string()),
        })
    }

    /// Rows from any iterator (read on a blocking thread, so it may do I/O).
    pub fn rows<I>(rows: I) -> CampaignSource
    where
        I: IntoIterator<Item = Row>,
        I::IntoIter: Send + 'static,
    {
        Self::results(rows.into_iter().map(Ok))
    }

    /// Rows from an iterator that may report unreadable rows.
    pub fn results<I>(rows: I) -> CampaignSource
    where
        I: IntoIterator<Item = Result<Row, ReadError>>,
        I::IntoIter: Send + 'static,
    {
        CampaignSource {
            rows: RowsOf::Iter(Box::new(rows.into_iter())),
            digest: None,
            name: None,
        }
    }

    /// Rows from a stream (a database cursor, a queue); the campaign sends while it reads.
    pub fn stream<S>(rows: S) -> CampaignSource
    where
        S: Stream<Item = Result<Row, ReadError>> + Send + 'static,
    {
        CampaignSource {
            rows: RowsOf::Stream(Box::pin(rows)),
            digest: None,
            name: None,
        }
    }

    /// Names the data, so a later run can tell whether it is the same (a file's digest is
    /// its SHA-256 already).
    #[must_use]
    pub fn digest(mut self, digest: impl Into<String>) -> Self {
        self.digest = Some(SourceDigest::new(digest));
        self
    }

    /// A name for people (shown by `status`).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}
