"""The CapabilityStatement at /fhir/r4/metadata, drawn from the search table (ADR 0910)."""

from __future__ import annotations

from typing import Any

from cleannote.apps.fhir.search import COMMON, RESOURCE_TYPES, includable

SOFTWARE = "Cleannote"
# The day this statement's content last changed; a statement is dated by what it says.
PUBLISHED = "2026-12-07"


def capability_statement(base_url: str) -> dict[str, Any]:
    resources = []
    for resource in RESOURCE_TYPES.values():
        parameters = [
            {"name": "_id", "type": "token"},
            {"name": "_count", "type": "number"},
            {"name": "_total", "type": "token", "documentation": "accurate, estimate or none"},
        ]
        parameters += [
            {"name": name, "type": kind}
            for name, kind in resource.parameters.items()
            if name not in COMMON
        ]
        entry: dict[str, Any] = {
            "type": resource.name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": parameters,
        }
        dates = [name for name, kind in resource.parameters.items() if kind == "date"]
        entry["searchParam"].append(
            {
                "name": "_sort",
                "type": "special",
                "documentation": "one of " + ", ".join(["_id", *dates]) + "; - for descending",
            }
        )
        includes = includable(resource)
        if includes:
            entry["searchInclude"] = includes
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": PUBLISHED,
        "kind": "instance",
        "software": {"name": SOFTWARE},
        "implementation": {"description": "Cleannote FHIR R4 read and search", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "OAuth",
                                }
                            ],
                            "text": "An organisation's API token as a Bearer token",
                        }
                    ]
                },
                "resource": resources,
            }
        ],
    }
