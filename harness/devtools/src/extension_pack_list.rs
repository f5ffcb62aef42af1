//! Generating the built-in list of the FHIR extensions pack's core-namespace extension URLs
//! (`assure_validate::extension_pack`) from the published package.

use assure_validate::definitions::CORE_SD_BASE;
use assure_validate::package::Package;

/// The list file for `package`: a comment naming it, then the sorted URLs of its Extension
/// definitions in the core namespace.
pub fn list_file(package: &Package) -> Result<String, String> {
    let mut urls = Vec::new();
    for resource in &package.resources {
        if resource.resource_type() != "StructureDefinition" {
            continue;
        }
        let json = resource.json()?;
        if json["type"] == "Extension"
            && let Some(url) = json["url"].as_str()
            && url.starts_with(CORE_SD_BASE)
        {
            urls.push(url.to_owned());
        }
    }
    urls.sort_unstable();
    urls.dedup();
    let mut file = format!(
        "# Extension definitions in the core namespace of {} (published FHIR package), {} URLs\n",
        package.id(),
        urls.len()
    );
    for url in urls {
        file.push_str(&url);
        file.push('\n');
    }
    Ok(file)
}
