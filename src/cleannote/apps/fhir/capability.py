"""The CapabilityStatement at /fhir/r4/metadata, drawn from the search table (ADR 0910)."""

from __future__ import annotations

from typing import Any

from cleannote.apps.fhir.search import COMMON, RESOURCE_TYPES

SOFTWARE = "Cleannote"
# The day this statement's content last changed; a statement is dated by what it says.
PUBLISHED = "2026-12-07"


def capability_statement(base_url: str) -> dict[str, Any]:
    resources = []
    for resource in RESOURCE_TYPES.values():
        parameters = [{"name": "_id", "type": "token"}, {"name": "_count", "type": "number"}]
        parameters += [
            {"name": name, "type": kind}
            for name, kind in resource.parameters.items()
            if name not in COMMON
        ]
        resources.append(
            {
                "type": resource.name,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": parameters,
            }
        )
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
