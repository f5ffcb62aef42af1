#!/usr/bin/env python3
"""Structural checks of the UK test data Bundle (fixtures/third-party/uk-test-data.json).

Standard library only. Not a FHIR validator: it checks the facts the data set promises
(see docs/third-party.md) and the base R4 rules most easily broken by hand edits.

    python3 .ci/third-party/check_uk_data.py [FILE]

Exit code 0 when every check passes, 1 otherwise.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "fixtures" / "third-party" / "uk-test-data.json"
NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
UCUM = "http://unitsofmeasure.org"
ID_RE = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
DATETIME_RE = re.compile(
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])"
    r"(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$")
# UK postcode (outward code, space, inward code)
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
GENDERS = {"male", "female", "other", "unknown"}
NAME_USES = {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"}
DATE_KEYS = {"birthDate", "onsetDateTime", "effectiveDateTime", "recordedDate", "authoredOn", "issued",
             "start", "end"}

failures: list[str] = []
passes = 0


def check(ok: bool, what: str) -> None:
    global passes
    if ok:
        passes += 1
    else:
        failures.append(what)


def nhs_number_valid(n: str) -> bool:
    """10 digits; Modulus 11 check digit (weights 10..2; 11 -> 0; 10 -> invalid)."""
    if not re.fullmatch(r"\d{10}", n):
        return False
    total = sum(int(d) * w for d, w in zip(n[:9], range(10, 1, -1)))
    check_digit = 11 - total % 11
    if check_digit == 11:
        check_digit = 0
    return check_digit != 10 and check_digit == int(n[9])


def walk(node, path: str):
    """Yield (path, key, value) for every member of every object under node."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path, k, v
            yield from walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}[{i}]")


def main() -> int:
    file = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    bundle = json.loads(file.read_text(encoding="utf-8"))
    check(bundle.get("resourceType") == "Bundle", "resourceType is Bundle")
    check(bundle.get("type") == "transaction", "Bundle.type is transaction")
    entries = bundle.get("entry") or []
    check(bool(entries), "Bundle has entries")

    by_key: dict[str, dict] = {}
    for i, e in enumerate(entries):
        res = e.get("resource") or {}
        rtype, rid = res.get("resourceType"), res.get("id")
        where = f"entry[{i}] {rtype}/{rid}"
        check(bool(rtype) and bool(rid) and bool(ID_RE.match(rid or "")), f"{where}: type and valid id")
        req = e.get("request") or {}
        check(req.get("method") == "PUT" and req.get("url") == f"{rtype}/{rid}",
              f"{where}: request is PUT {rtype}/{rid} (got {req.get('method')} {req.get('url')})")
        check("fullUrl" not in e or re.match(r"^[a-z][a-z0-9+.-]*:", e["fullUrl"]) is not None,
              f"{where}: fullUrl, if any, is absolute")
        check(f"{rtype}/{rid}" not in by_key, f"{where}: unique")
        by_key[f"{rtype}/{rid}"] = res

    for key, res in by_key.items():
        for path, k, v in walk(res, key):
            if k == "reference" and isinstance(v, str):
                check(v in by_key, f"{path}.reference '{v}' resolves to an entry")
            if k == "coding" and isinstance(v, list):
                for c in v:
                    check(bool(c.get("system")) and bool(c.get("code")), f"{path}.coding has system and code")
            if k in DATE_KEYS and isinstance(v, str):
                rx = DATE_RE if k == "birthDate" else DATETIME_RE
                check(bool(rx.match(v)), f"{path}.{k} '{v}' is a valid {'date' if k == 'birthDate' else 'dateTime'}")
                if k == "issued":
                    check("T" in v, f"{path}.issued '{v}' is an instant")
            if isinstance(v, dict) and "value" in v and ("code" in v or "unit" in v) and "system" not in v:
                check(False, f"{path}.{k}: a Quantity with a unit code has a system")
            if isinstance(v, dict) and v.get("system") == UCUM:
                check(bool(v.get("code")), f"{path}.{k}: UCUM quantity has a code")

    patients = [r for k, r in by_key.items() if k.startswith("Patient/")]
    check(len(patients) == 5, f"five Patients (got {len(patients)})")
    numbers = []
    for p in patients:
        pid = p["id"]
        nhs = [i.get("value", "") for i in p.get("identifier", []) if i.get("system") == NHS_SYSTEM]
        check(len(nhs) == 1, f"Patient/{pid}: one NHS number")
        for n in nhs:
            numbers.append(n)
            check(n.startswith("999"), f"Patient/{pid}: NHS number {n} is in the 999 test range")
            check(nhs_number_valid(n), f"Patient/{pid}: NHS number {n} has a valid Modulus 11 check digit")
        check(p.get("gender") in GENDERS, f"Patient/{pid}: gender")
        check(bool(DATE_RE.match(p.get("birthDate", ""))), f"Patient/{pid}: birthDate")
        check(bool(p.get("telecom")), f"Patient/{pid}: telecom")
        for n in p.get("name", []):
            check(n.get("use") in NAME_USES, f"Patient/{pid}: name.use '{n.get('use')}'")
        addresses = p.get("address", [])
        check(bool(addresses), f"Patient/{pid}: address")
        for a in addresses:
            check(bool(POSTCODE_RE.match(a.get("postalCode", ""))),
                  f"Patient/{pid}: UK postcode '{a.get('postalCode')}'")
    check(len(set(numbers)) == len(numbers), "NHS numbers are unique")
    check(any(len(p.get("name", [])) >= 2 and p["name"][0].get("use") == "maiden"
              and p["name"][1].get("use") == "official"
              and p["name"][0].get("family") != p["name"][1].get("family") for p in patients),
          "a Patient whose first name is maiden and second official, with different families")
    check(any(any(not s.isascii() for n in p.get("name", []) for s in [n.get("family", ""), *n.get("given", [])])
              for p in patients), "a Patient with accented names")
    check(any(i.get("system") == ODS_SYSTEM for k, r in by_key.items() if k.startswith("Organization/")
              for i in r.get("identifier", [])), "an Organization with an ODS code")
    check(any(k.startswith("Practitioner/") and r.get("identifier") for k, r in by_key.items()),
          "a Practitioner with an identifier")
    for rtype in ("Observation", "Condition", "AllergyIntolerance", "MedicationRequest", "Encounter"):
        check(any(k.startswith(f"{rtype}/") for k in by_key), f"at least one {rtype}")
    for k, r in by_key.items():
        if k.startswith("Observation/"):
            cats = [c.get("code") for cc in r.get("category", []) for c in cc.get("coding", [])]
            check("vital-signs" in cats, f"{k}: category vital-signs")
            check(r.get("status") in {"registered", "preliminary", "final", "amended"}, f"{k}: status")
            check("valueQuantity" in r or "component" in r, f"{k}: a value or components")

    for f in failures:
        print(f"FAIL {f}")
    print(f"{file}: {len(by_key)} resources")
    print(f"{passes} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
