"""The OpenAPI document describes every answer field by field, so a typed client can be generated from it."""
import pytest
from openapi_spec_validator import validate as validate_openapi

from gateway import openapi
from gateway.service import ROUTES


@pytest.fixture(scope="module")
def document():
    return openapi.document(ROUTES)


def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
    return schema


def success(operation):
    statuses = [status for status in operation["responses"] if status.startswith("2")]
    assert len(statuses) == 1, operation["operationId"]
    return operation["responses"][statuses[0]]


def operations(document):
    return [(path, method, operation) for path, methods in document["paths"].items()
            for method, operation in methods.items()]


def test_the_document_is_valid_openapi(document):
    validate_openapi(document)


def test_every_success_answers_an_object_with_declared_properties_or_a_list_of_them(document):
    assert len(operations(document)) == len(ROUTES)
    for path, method, operation in operations(document):
        schema = success(operation)["content"]["application/json"]["schema"]
        if schema.get("type") == "array":
            schema = schema["items"]
        answer = resolve(document, schema)
        where = f"{method.upper()} {path}"
        assert answer["type"] == "object", where
        assert answer["properties"], where
        assert answer.get("additionalProperties") is False, where
        assert answer.get("required"), where


def test_every_described_object_names_its_fields_and_takes_no_others(document):
    for name, schema in document["components"]["schemas"].items():
        assert schema["type"] == "object", name
        assert schema["properties"] or name == "Empty", name  # the body of an action that takes none
        assert schema["additionalProperties"] is False, name


def test_enumerated_and_nullable_fields_are_described_as_such(document):
    schemas = document["components"]["schemas"]
    team = schemas["TeamOut"]["properties"]
    assert team["status"]["enum"] == ["proposed", "active", "suspended", "closed"]
    assert team["closed_reason"]["type"] == ["string", "null"]
    member = schemas["MemberOut"]["properties"]
    assert "pending_consent" in member["status"]["enum"] and None in member["role"]["enum"]
    referral = schemas["ReferralSummaryOut"]["properties"]
    assert {"$ref": "#/components/schemas/ReferralOutcomeOut"} in referral["outcome"]["anyOf"]
    assert {"type": "null"} in referral["outcome"]["anyOf"]
    assert referral["as"]["items"]["enum"] == ["requester", "target"]
    assert schemas["ConsentOut"]["properties"]["categories"]["items"]["enum"][0] == "basic"


def test_the_client_is_described_without_the_personal_identity_code(document):
    client = document["components"]["schemas"]["ClientOut"]
    assert "personal_identity_code" not in client["properties"]


def test_lists_are_described_as_arrays_of_their_items(document):
    inbox = success(document["paths"]["/inbox"]["get"])["content"]["application/json"]["schema"]
    assert inbox == {"type": "array", "items": {"$ref": "#/components/schemas/InboxItemOut"}}


def test_errors_keep_their_problem_details(document):
    responses = document["paths"]["/clients/{client_id}/consents"]["post"]["responses"]
    for status in ("400", "401", "403", "404", "409", "413", "503"):
        schema = responses[status]["content"]["application/problem+json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Problem"}, status
