import json
nullable_int = {"type": "integer", "minimum": 1, "maximum": 1000000000, "nullable": True}
limits = {
  "type": "object", "additionalProperties": False,
  "description": "Every field is optional; a key in a team is held to both its own limits and the team's.",
  "properties": {
    "models": {"type": "array", "items": {"type": "string", "minLength": 1}, "nullable": True,
               "description": "Model ids, globs (mistral/*) and route names; null allows every model."},
    "budget_usd": {"type": "number", "minimum": 0, "maximum": 1000000000000, "nullable": True, "description": "US dollars per period; null is no budget."},
    "period": {"type": "string", "enum": ["day", "week", "month", "total"]},
    "allow_unpriced": {"type": "boolean"},
    "rpm": nullable_int, "tpm": nullable_int, "max_parallel": nullable_int,
  },
}
metadata = {"type": "object", "additionalProperties": {"type": "string"}}
name = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}
key = {
  "type": "object", "required": ["id", "name", "prefix", "state", "created_at", "disabled", "limits", "metadata"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "prefix": {"type": "string"},
    "state": {"type": "string", "enum": ["active", "revoked", "expired", "disabled"]},
    "created_at": {"type": "string", "format": "date-time"}, "expires_at": {"type": "string", "format": "date-time"},
    "revoked_at": {"type": "string", "format": "date-time"}, "team_id": {"type": "string"}, "disabled": {"type": "boolean"},
    "limits": {"$ref": "#/components/schemas/Limits"}, "metadata": metadata,
    "budget": {"$ref": "#/components/schemas/Budget"}, "last_used_at": {"type": "string", "format": "date-time",
                                                                  "description": "The last request; before the gateway's last start, the start of its hour."},
    "key": {"type": "string", "description": "Only in the answer that creates the key: shown once, never stored."},
  },
}
budget = {
  "type": "object", "description": "A budget in its current period.",
  "required": ["scope", "period", "period_start", "budget_usd", "spent_usd", "reserved_usd", "remaining_usd"],
  "properties": {"scope": {"type": "string", "enum": ["key", "team"]}, "period": {"type": "string", "enum": ["day", "week", "month", "total"]},
                 "period_start": {"type": "string", "format": "date-time"}, "resets_at": {"type": "string", "format": "date-time"},
                 "budget_usd": {"type": "number"}, "spent_usd": {"type": "number"}, "reserved_usd": {"type": "number"},
                 "remaining_usd": {"type": "number"}},
}
key_write = lambda required: {
  "type": "object", "additionalProperties": False, "required": required,
  "properties": {
    "name": name, "team_id": {"type": "string", "nullable": True},
    "expires_at": {"type": "string", "format": "date-time", "nullable": True}, "disabled": {"type": "boolean"},
    "limits": {"$ref": "#/components/schemas/Limits"}, "metadata": metadata,
  },
}
team = {
  "type": "object", "required": ["id", "name", "created_at", "disabled", "limits", "metadata", "keys"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
    "disabled": {"type": "boolean"}, "limits": {"$ref": "#/components/schemas/Limits"}, "metadata": metadata,
    "keys": {"type": "integer", "minimum": 0}, "budget": {"$ref": "#/components/schemas/Budget"},
  },
}
team_write = lambda required: {
  "type": "object", "additionalProperties": False, "required": required,
  "properties": {"name": name, "disabled": {"type": "boolean"}, "limits": {"$ref": "#/components/schemas/Limits"}, "metadata": metadata},
}
row = {
  "type": "object",
  "required": ["key", "requests", "errors", "prompt_tokens", "completion_tokens", "reasoning_tokens", "cached_tokens",
               "estimated_requests", "cost_usd", "unpriced_requests", "reference_cost_usd", "savings_usd", "average_latency_seconds"],
  "properties": {k: {"type": "integer"} for k in ["requests", "errors", "prompt_tokens", "completion_tokens", "reasoning_tokens",
                                                   "cached_tokens", "estimated_requests", "unpriced_requests"]},
}
row["properties"].update({"key": {"type": "string"}, "cost_usd": {"type": "number"}, "reference_cost_usd": {"type": "number"},
                          "savings_usd": {"type": "number"}, "average_latency_seconds": {"type": "number"}})
usage = {
  "type": "object", "required": ["from", "to", "group_by", "rows", "totals", "cost_complete"],
  "properties": {"from": {"type": "string"}, "to": {"type": "string"},
                 "group_by": {"type": "string", "enum": ["provider", "model", "key", "team", "day", "instance", "endpoint"]},
                 "reference_model": {"type": "string"}, "rows": {"type": "array", "items": {"$ref": "#/components/schemas/UsageRow"}},
                 "totals": {"$ref": "#/components/schemas/UsageRow"}, "cost_complete": {"type": "boolean"}},
}
error = {
  "type": "object", "required": ["error"],
  "properties": {"error": {"type": "object", "required": ["message", "type"],
                           "properties": {"message": {"type": "string"}, "type": {"type": "string"},
                                          "code": {"type": "string", "nullable": True}, "param": {"type": "string", "nullable": True}}}},
}
def err(desc): return {"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
common = {"400": err("The request is invalid; `error.param` names the field."), "401": err("No admin key, or a wrong one."),
          "403": err("A client key, or no admin key configured on the gateway."), "413": err("The body is larger than 64 KiB.")}
def ok(schema, desc="OK", status="200"):
    r = {status: {"description": desc, "content": {"application/json": {"schema": schema}}}}
    r.update(common); return r
def ref(n): return {"$ref": "#/components/schemas/" + n}
def listof(n): return {"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": ref(n)}}}
def body(n): return {"required": True, "content": {"application/json": {"schema": ref(n)}}}
when = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
idparam = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
def with404(r): r = dict(r); r["404"] = err("No such key or team."); return r
def with409(r): r = dict(r); r["409"] = err("A conflict: a team name taken, or a team that still has keys."); return r
doc = {
  "openapi": "3.0.3",
  "info": {"title": "Orchestra admin API", "version": "1",
           "description": "Client keys, teams and usage of an Orchestra gateway. Every call needs the admin key as `Authorization: Bearer …`."},
  "servers": [{"url": "/"}],
  "security": [{"adminKey": []}],
  "paths": {
    "/admin/v1/keys": {
      "get": {"operationId": "listKeys", "summary": "Every key (never the key itself).", "responses": ok(listof("Key"))},
      "post": {"operationId": "createKey", "summary": "Create a key; the answer carries it once.", "requestBody": body("KeyCreate"),
               "responses": with404(ok(ref("Key"), "Created; `key` holds the secret, shown this once.", "201"))},
    },
    "/admin/v1/keys/{id}": {
      "parameters": idparam,
      "get": {"operationId": "getKey", "summary": "One key.", "responses": with404(ok(ref("Key")))},
      "patch": {"operationId": "updateKey", "summary": "Change fields given; null clears an optional one.", "requestBody": body("KeyUpdate"),
                "responses": with404(ok(ref("Key")))},
    },
    "/admin/v1/keys/{id}/revoke": {
      "parameters": idparam,
      "post": {"operationId": "revokeKey", "summary": "Revoke the key: refused everywhere within a second; its record stays for the usage it made.",
               "responses": with404(ok(ref("Key")))},
    },
    "/admin/v1/teams": {
      "get": {"operationId": "listTeams", "summary": "Every team.", "responses": ok(listof("Team"))},
      "post": {"operationId": "createTeam", "summary": "Create a team.", "requestBody": body("TeamCreate"),
               "responses": with409(ok(ref("Team"), "Created.", "201"))},
    },
    "/admin/v1/teams/{id}": {
      "parameters": idparam,
      "get": {"operationId": "getTeam", "summary": "One team.", "responses": with404(ok(ref("Team")))},
      "patch": {"operationId": "updateTeam", "summary": "Change fields given; null clears an optional one.", "requestBody": body("TeamUpdate"),
                "responses": with409(with404(ok(ref("Team"))))},
      "delete": {"operationId": "deleteTeam", "summary": "Delete a team without keys.",
                 "responses": with409(with404(dict({"204": {"description": "Deleted."}}, **common)))},
    },
    "/admin/v1/usage": {
      "get": {"operationId": "usage", "summary": "Usage totals from the hourly rollups.",
              "parameters": [
                {"name": "group_by", "in": "query", "schema": {"type": "string", "enum": ["provider", "model", "key", "team", "day", "instance", "endpoint"]}},
                {"name": "from", "in": "query", "schema": when, "description": "A date (midnight UTC) or an RFC 3339 time; default: 7 days before `to`."},
                {"name": "to", "in": "query", "schema": when, "description": "A date or an RFC 3339 time; default: now."}],
              "responses": dict(ok(ref("Usage")), **{"503": err("Usage records are off.")})},
    },
  },
  "components": {
    "securitySchemes": {"adminKey": {"type": "http", "scheme": "bearer"}},
    "schemas": {"Limits": limits, "Budget": budget, "Key": key, "KeyCreate": key_write(["name"]), "KeyUpdate": key_write([]),
                "Team": team, "TeamCreate": team_write(["name"]), "TeamUpdate": team_write([]),
                "UsageRow": row, "Usage": usage, "Error": error},
  },
}
text = json.dumps(doc, indent=2) + "\n"
open("docs/admin-openapi.json", "w").write(text)


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def members(mapping, indent):
    return ",\n".join(indent + compact(key) + ":" + compact(value) for key, value in mapping.items())


# The binary carries the same document without its indentation: one line per path and per schema.
head = {key: value for key, value in doc.items() if key not in ("paths", "components")}
components = {key: value for key, value in doc["components"].items() if key != "schemas"}
pad = " " * 8
served = (pad + compact(head)[:-1] + ',"paths":{\n' + members(doc["paths"], pad) + "\n" + pad + '},"components":'
          + compact(components)[:-1] + ',"schemas":{\n' + members(doc["components"]["schemas"], pad) + "\n" + pad + "}}}")
json.loads(served)
swift = '''/// The admin API's OpenAPI document, served at `/admin/v1/openapi.json`: `docs/admin-openapi.json`
/// without its indentation (a test keeps the two equal), both made by `scripts/admin-openapi.py`.
enum AdminOpenAPI {
    static let json = #"""
''' + served + '''
        """#
}
'''
open("Sources/Front/Admin/AdminOpenAPI.swift", "w").write(swift)
