//! The canonical URLs of the extensions that the FHIR extensions pack
//! (`hl7.fhir.uv.extensions.r4`) defines in the core namespace, compiled into the binary. An
//! extension from the pack, when the pack is not loaded, is then reported as not checked
//! rather than as unknown. The list is generated from the published package by the
//! `make_extension_pack_list` example of the devtools crate.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Name of the package the list comes from.
pub const PACKAGE_NAME: &str = "hl7.fhir.uv.extensions.r4";

/// File name of the list under `harness/validate/data/`.
pub const FILE_NAME: &str = "extension-pack-urls.txt";

/// The list: `#` comment lines (the package and version it was made from), then one URL a line.
const LIST: &str = include_str!("../data/extension-pack-urls.txt");

/// Whether the extensions pack defines an extension with this canonical URL.
pub fn defines(url: &str) -> bool {
    static URLS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    URLS.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
    .contains(url)
}

#[cfg(test)]
mod tests {
    use super::defines;

    #[test]
    fn knows_the_packs_extensions_only() {
        assert!(defines(
            "http://hl7.org/fhir/StructureDefinition/inherit-obligations"
        ));
        assert!(defines(
            "http://hl7.org/fhir/StructureDefinition/organization-brand"
        ));
        assert!(!defines(
            "http://hl7.org/fhir/StructureDefinition/obligation-profile"
        ));
        assert!(!defines("# Extension definitions"));
    }
}
