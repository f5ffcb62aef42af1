//! `--validator-config FILE`: validator settings in a TOML file (`.toml`) or a YAML file
//! (anything else), a flat table of the keys in [`SETTING_KEYS`]. Problems are reported as
//! `FILE:LINE:COLUMN: message`.

use std::path::Path;

use saphyr_parser::{Event, Marker, Parser};

use super::settings::{SETTING_KEYS, SettingValue, ValidatorSettings};

/// Reads the settings of a config file; `Err` is `file:line:column: message` (or says why
/// the file could not be read).
pub fn read_config(path: &Path) -> Result<ValidatorSettings, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let is_toml = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("toml"));
    let entries = if is_toml {
        toml_entries(&text)
    } else {
        yaml_entries(&text)
    }
    .map_err(|(line, column, message)| format!("{name}:{line}:{column}: {message}"))?;
    let mut settings = ValidatorSettings::default();
    for (key, value, (line, column)) in entries {
        settings
            .set(&key, value)
            .map_err(|message| format!("{name}:{line}:{column}: {message}"))?;
    }
    Ok(settings)
}

/// A key, its value and where the key was written (line, column; 1-based).
type Entry = (String, SettingValue, (usize, usize));

/// What is wrong and where: line, column, message.
type Located = (usize, usize, String);

fn toml_entries(text: &str) -> Result<Vec<Entry>, Located> {
    let table: toml::Table = toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map_or((1, 1), |span| line_column(text, span.start));
        (line, column, error.message().to_owned())
    })?;
    table
        .into_iter()
        .map(|(key, value)| {
            let at = key_position(text, &key);
            let value = match value {
                toml::Value::Boolean(flag) => SettingValue::Bool(flag),
                toml::Value::String(text) => SettingValue::Text(text),
                toml::Value::Array(items) => SettingValue::List(
                    items
                        .into_iter()
                        .map(|item| match item {
                            toml::Value::String(text) => Ok(text),
                            other => Err((
                                at.0,
                                at.1,
                                format!("`{key}` takes strings, not {}", other.type_str()),
                            )),
                        })
                        .collect::<Result<_, _>>()?,
                ),
                other => {
                    return Err((
                        at.0,
                        at.1,
                        format!("`{key}` cannot be {}", other.type_str()),
                    ));
                }
            };
            Ok((key, value, at))
        })
        .collect()
}

/// Where `key` is first written at the start of a line (TOML tables lose their spans).
fn key_position(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(index, line)| {
            let trimmed = line.trim_start();
            let quoted = format!("\"{key}\"");
            (trimmed.starts_with(key) || trimmed.starts_with(&quoted))
                .then(|| (index + 1, line.len() - trimmed.len() + 1))
        })
        .unwrap_or((1, 1))
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The entries of a flat YAML mapping whose values are scalars or lists of scalars.
fn yaml_entries(text: &str) -> Result<Vec<Entry>, Located> {
    let at = |marker: Marker| (marker.line(), marker.col() + 1);
    let located = |(line, column): (usize, usize), message: String| (line, column, message);
    let mut entries = Vec::new();
    let mut depth = 0usize;
    let mut key: Option<(String, (usize, usize))> = None;
    let mut list: Option<Vec<String>> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let marker = e.marker();
            (marker.line(), marker.col() + 1, e.info().to_owned())
        })?;
        let here = at(span.start);
        match event {
            Event::MappingStart(..) if depth == 0 => depth = 1,
            Event::MappingEnd if depth == 1 => depth = 0,
            Event::SequenceStart(..) if depth == 1 && key.is_some() && list.is_none() => {
                list = Some(Vec::new());
            }
            Event::SequenceEnd => {
                let (name, key_at) = key.take().unwrap_or_default();
                entries.push((
                    name,
                    SettingValue::List(list.take().unwrap_or_default()),
                    key_at,
                ));
            }
            Event::Scalar(value, ..) if depth == 1 => {
                let value = value.to_string();
                if let Some(items) = list.as_mut() {
                    items.push(value);
                } else if let Some((name, key_at)) = key.take() {
                    let value = match value.as_str() {
                        "true" | "True" | "TRUE" => SettingValue::Bool(true),
                        "false" | "False" | "FALSE" => SettingValue::Bool(false),
                        _ => SettingValue::Text(value),
                    };
                    entries.push((name, value, key_at));
                } else {
                    key = Some((value, here));
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(_) => {
                return Err(located(
                    here,
                    format!(
                        "expected a flat mapping of validator settings ({})",
                        SETTING_KEYS.join(", ")
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use assure_validate::CheckReferences;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn toml_and_yaml_hold_the_same_keys() {
        let (_d, toml) = write(
            "v.toml",
            "check_references = \"exists\"\nallow_extension_domains = [\"a.org\", \"b.org\"]\nany_extensions = false\n",
        );
        let (_e, yaml) = write(
            "v.yaml",
            "check_references: exists\nallow_extension_domains:\n  - a.org\n  - b.org\nany_extensions: false\n",
        );
        let from_toml = read_config(&toml).unwrap();
        assert_eq!(from_toml, read_config(&yaml).unwrap());
        assert_eq!(from_toml.check_references, Some(CheckReferences::Exists));
        assert_eq!(from_toml.extension_domains, ["a.org", "b.org"]);
    }

    #[test]
    fn bundle_rules_are_read_from_toml_and_yaml() {
        let url = "http://example.org/fhir/StructureDefinition/p";
        let (_d, toml) = write(
            "v.toml",
            &format!("bundle = [\"Patient:0 {url}\", \"Observation {url}\"]\n"),
        );
        let (_e, yaml) = write(
            "v.yaml",
            &format!("bundle:\n  - Patient:0 {url}\n  - Observation {url}\n"),
        );
        let from_toml = read_config(&toml).unwrap();
        assert_eq!(from_toml, read_config(&yaml).unwrap());
        let rules: Vec<String> = from_toml.bundle_rules.iter().map(|r| r.rule()).collect();
        assert_eq!(rules, ["Patient:0", "Observation"]);
        let (_f, single) = write("s.yaml", &format!("level: error\nbundle: Patient {url}\n"));
        assert_eq!(read_config(&single).unwrap().bundle_rules.len(), 1);
        let (_g, bad) = write(
            "b.yaml",
            &format!("level: error\nbundle: [Patient:x {url}]\n"),
        );
        let error = read_config(&bad).unwrap_err();
        assert!(
            error.contains(
                "b.yaml:2:1: `bundle`: bundle rule `Patient:x`: the entry index `x` is not a \
                 whole number from 0"
            ),
            "{error}"
        );
    }

    #[test]
    fn problems_are_located() {
        let (_d, yaml) = write("v.yaml", "level: warning\nbest_practice: loud\n");
        let error = read_config(&yaml).unwrap_err();
        assert!(
            error.ends_with(
                "v.yaml:2:1: `best_practice`: `loud` is not one of ignore, hint, warning, error"
            ),
            "{error}"
        );
        let (_e, toml) = write("v.toml", "level = \"error\"\n  colour = true\n");
        let error = read_config(&toml).unwrap_err();
        assert!(error.ends_with("v.toml:2:3: unknown validator setting `colour`, expected one of allow_extension_domains, any_extensions, allow_example_urls, security_checks, check_references, best_practice, html_in_markdown, aggregation_outside_bundles, bundle, level"), "{error}");
        let (_f, nested) = write("n.yaml", "level:\n  deep: 1\n");
        assert!(
            read_config(&nested)
                .unwrap_err()
                .contains("n.yaml:2:3: expected a flat mapping")
        );
    }
}
