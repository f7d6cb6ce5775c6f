"""Each resource checked by the ``fhir.resources`` library's R4B models before it leaves tiimi.

The library (and the pydantic models it builds on, some 20 MB) is imported here, on first use,
and only here: a gateway that serves no FHIR request never loads it.
"""
from __future__ import annotations

import json
from typing import Any

from gateway.fhir.elements import Resource
from tiimi_shared.errors import ValidationError


def model_of(resource: Resource) -> Any:
    """The library's model of the resource: refuses, with pydantic's ValidationError naming the
    field, an unknown element, a missing required one or a malformed value."""
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def validated(resource: Resource) -> Resource:
    """The resource as the library writes it back, once it has accepted it."""
    written: Resource = json.loads(model_of(resource).model_dump_json())
    return written


def accepted(body: Resource, resource_type: str) -> Resource:
    """A resource a client sent, once the library accepts it as a ``resource_type``.

    Refuses with tiimi's ValidationError, which the gateway answers as a 400 OperationOutcome,
    naming each element the library refused (``Task.status``, ``Task.output.0.type``...).
    """
    if body.get("resourceType") != resource_type:
        raise ValidationError({"resourceType": [f"must be {resource_type}"]})
    from pydantic import ValidationError as Refused

    try:
        model_of(body)
    except Refused as refused:
        errors: dict[str, list[str]] = {}
        for error in refused.errors():
            where = ".".join([resource_type, *(str(part) for part in error["loc"])])
            errors.setdefault(where, []).append(error["msg"])
        raise ValidationError(errors) from None
    return body
