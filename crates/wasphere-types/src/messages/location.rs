use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check_to, to_schema, validated};
use crate::checker::{Checker, Path};

/// `location`: a map pin the recipient can open in their maps app.
///
/// ```
/// use wasphere_types::Location;
/// let m = Location::new("923001234567", 33.6844, 73.0479).name("Islamabad");
/// assert!(m.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "location")]
pub struct Location {
    /// Recipient: phone digits in international format, or a JID.
    #[schemars(schema_with = "to_schema")]
    pub to: String,
    /// Latitude in degrees, −90 to 90 (a JSON number, not a string).
    #[schemars(range(min = -90.0, max = 90.0))]
    pub latitude: f64,
    /// Longitude in degrees, −180 to 180 (a JSON number, not a string).
    #[schemars(range(min = -180.0, max = 180.0))]
    pub longitude: f64,
    /// Name of the place, at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 255))]
    pub name: Option<String>,
    /// Address, at most 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 512))]
    pub address: Option<String>,
}

impl Location {
    /// Longest `name`.
    pub const MAX_NAME: usize = 255;
    /// Longest `address`.
    pub const MAX_ADDRESS: usize = 512;

    /// A pin at `latitude`, `longitude`.
    pub fn new(to: impl Into<String>, latitude: f64, longitude: f64) -> Self {
        Location {
            to: to.into(),
            latitude,
            longitude,
            name: None,
            address: None,
        }
    }

    /// Names the place.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Gives the address.
    pub fn address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    pub(crate) fn check(&self, c: &mut Checker, p: Path<'_>) {
        check_to(c, p.field("to"), &self.to);
        c.range(p.field("latitude"), self.latitude, -90.0, 90.0);
        c.range(p.field("longitude"), self.longitude, -180.0, 180.0);
        c.optional_text(p.field("name"), self.name.as_deref(), Self::MAX_NAME);
        c.optional_text(
            p.field("address"),
            self.address.as_deref(),
            Self::MAX_ADDRESS,
        );
    }
}

validated!(Location);
