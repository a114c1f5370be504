"""Schema post-processing: the error answers every operation can give, and the claim's ETag."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    # Invalid input answers with the fields at fault (each a list of messages), with or without a
    # "detail"; every other refusal has "detail" and "code".
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Invalid input: the reason, and the fields at fault.",
    "401": "Not authenticated.",
    "403": "Authenticated, but without the role, or not allowed this action.",
    "404": "No such object.",
    "405": "Method not allowed.",
    "409": "Refused by the workflow (this status does not allow it, or it is already done), or a stale version field.",
    "412": "Stale If-Match: the claim changed since it was read.",
    "415": "Unsupported media type.",
    "429": "Too many requests.",
}


def _errors_for(path: str, method: str) -> list[str]:
    codes = ["400", "401", "403", "404", "429"]  # lists answer 400 to bad filters, 404 to bad cursors
    if method in ("post", "put", "patch", "delete"):
        codes += ["409", "412"]
    if method in ("post", "put", "patch"):
        codes.append("415")
    if path.endswith("/auth/token/"):
        codes = ["400", "415", "429"]
    elif path.endswith(("/schema/", "/docs/")):
        codes = ["429"]
    return codes


CLAIM_REF = "#/components/schemas/ClaimDetail"
ETAG_HEADER = {
    "description": 'The claim\'s version as an entity tag, e.g. "claim-12-v3": send it back as If-Match.',
    "schema": {"type": "string", "pattern": r'^"claim-[0-9]+-v[0-9]+"$'},
}


def _answers_claim(response: dict) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref") == CLAIM_REF


def _declare_etag(operation: dict) -> None:
    """Declare the ETag on every answer that is a claim (the writes declare their If-Match themselves)."""
    for code, response in operation.get("responses", {}).items():
        if code[:1] == "2" and _answers_claim(response):
            response.setdefault("headers", {})["ETag"] = ETAG_HEADER


def add_error_responses(result, generator, request, public):
    """Add the JSON error answers to every operation, sharing one ``Error`` component, and the ETag."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            _declare_etag(operation)
            responses = operation.setdefault("responses", {})
            for code in _errors_for(path, method):
                responses.setdefault(
                    code,
                    {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": reference}}},
                )
    return result
