/// The admin API's OpenAPI document, served at `/admin/v1/openapi.json`; `docs/admin-openapi.json` is
/// the same text (a test keeps them equal), made by `scripts/admin-openapi.py`.
enum AdminOpenAPI {
    static let json = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "Orchestra admin API",
            "version": "1",
            "description": "Client keys, teams and usage of an Orchestra gateway. Every call needs the admin key as `Authorization: Bearer \u2026`."
          },
          "servers": [
            {
              "url": "/"
            }
          ],
          "security": [
            {
              "adminKey": []
            }
          ],
          "paths": {
            "/admin/v1/keys": {
              "get": {
                "operationId": "listKeys",
                "summary": "Every key (never the key itself).",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Key"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              },
              "post": {
                "operationId": "createKey",
                "summary": "Create a key; the answer carries it once.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/KeyCreate"
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "Created; `key` holds the secret, shown this once.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Key"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key or team.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/keys/{id}": {
              "parameters": [
                {
                  "name": "id",
                  "in": "path",
                  "required": true,
                  "schema": {
                    "type": "string"
                  }
                }
              ],
              "get": {
                "operationId": "getKey",
                "summary": "One key.",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Key"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key or team.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              },
              "patch": {
                "operationId": "updateKey",
                "summary": "Change fields given; null clears an optional one.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/KeyUpdate"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Key"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key or team.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/keys/{id}/revoke": {
              "parameters": [
                {
                  "name": "id",
                  "in": "path",
                  "required": true,
                  "schema": {
                    "type": "string"
                  }
                }
              ],
              "post": {
                "operationId": "revokeKey",
                "summary": "Revoke the key: refused everywhere within a second; its record stays for the usage it made.",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Key"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key or team.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/teams": {
              "get": {
                "operationId": "listTeams",
                "summary": "Every team.",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Team"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              },
              "post": {
                "operationId": "createTeam",
                "summary": "Create a team.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TeamCreate"
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "Created.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Team"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "409": {
                    "description": "A conflict: a team name taken, or a team that still has keys.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/teams/{id}": {
              "parameters": [
                {
                  "name": "id",
                  "in": "path",
                  "required": true,
                  "schema": {
                    "type": "string"
                  }
                }
              ],
              "get": {
                "operationId": "getTeam",
                "summary": "One team.",
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Team"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key or team.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              },
              "patch": {
                "operationId": "updateTeam",
                "summary": "Change fields given; null clears an optional one.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TeamUpdate"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Team"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key or team.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "409": {
                    "description": "A conflict: a team name taken, or a team that still has keys.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              },
              "delete": {
                "operationId": "deleteTeam",
                "summary": "Delete a team without keys.",
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key or team.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "409": {
                    "description": "A conflict: a team name taken, or a team that still has keys.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/v1/usage": {
              "get": {
                "operationId": "usage",
                "summary": "Usage totals from the hourly rollups.",
                "parameters": [
                  {
                    "name": "group_by",
                    "in": "query",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "provider",
                        "model",
                        "key",
                        "team",
                        "day"
                      ]
                    }
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "date"
                        },
                        {
                          "type": "string",
                          "format": "date-time"
                        }
                      ]
                    },
                    "description": "A date (midnight UTC) or an RFC 3339 time; default: 7 days before `to`."
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "date"
                        },
                        {
                          "type": "string",
                          "format": "date-time"
                        }
                      ]
                    },
                    "description": "A date or an RFC 3339 time; default: now."
                  }
                ],
                "responses": {
                  "200": {
                    "description": "OK",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Usage"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The request is invalid; `error.param` names the field.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin key, or a wrong one.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A client key, or no admin key configured on the gateway.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is larger than 64 KiB.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "Usage records are off.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "adminKey": {
                "type": "http",
                "scheme": "bearer"
              }
            },
            "schemas": {
              "Limits": {
                "type": "object",
                "additionalProperties": false,
                "description": "Every field is optional; a key in a team is held to both its own limits and the team's.",
                "properties": {
                  "models": {
                    "type": "array",
                    "items": {
                      "type": "string",
                      "minLength": 1
                    },
                    "nullable": true,
                    "description": "Model ids, globs (mistral/*) and route names; null allows every model."
                  },
                  "budget_usd": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1000000000000,
                    "nullable": true,
                    "description": "US dollars per period; null is no budget."
                  },
                  "period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month",
                      "total"
                    ]
                  },
                  "allow_unpriced": {
                    "type": "boolean"
                  },
                  "rpm": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 1000000000,
                    "nullable": true
                  },
                  "tpm": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 1000000000,
                    "nullable": true
                  },
                  "max_parallel": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 1000000000,
                    "nullable": true
                  }
                }
              },
              "Budget": {
                "type": "object",
                "description": "A budget in its current period.",
                "required": [
                  "scope",
                  "period",
                  "period_start",
                  "budget_usd",
                  "spent_usd",
                  "reserved_usd",
                  "remaining_usd"
                ],
                "properties": {
                  "scope": {
                    "type": "string",
                    "enum": [
                      "key",
                      "team"
                    ]
                  },
                  "period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month",
                      "total"
                    ]
                  },
                  "period_start": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "resets_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "budget_usd": {
                    "type": "number"
                  },
                  "spent_usd": {
                    "type": "number"
                  },
                  "reserved_usd": {
                    "type": "number"
                  },
                  "remaining_usd": {
                    "type": "number"
                  }
                }
              },
              "Key": {
                "type": "object",
                "required": [
                  "id",
                  "name",
                  "prefix",
                  "state",
                  "created_at",
                  "disabled",
                  "limits",
                  "metadata"
                ],
                "properties": {
                  "id": {
                    "type": "string"
                  },
                  "name": {
                    "type": "string"
                  },
                  "prefix": {
                    "type": "string"
                  },
                  "state": {
                    "type": "string",
                    "enum": [
                      "active",
                      "revoked",
                      "expired",
                      "disabled"
                    ]
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "expires_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "revoked_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "team_id": {
                    "type": "string"
                  },
                  "disabled": {
                    "type": "boolean"
                  },
                  "limits": {
                    "$ref": "#/components/schemas/Limits"
                  },
                  "metadata": {
                    "type": "object",
                    "additionalProperties": {
                      "type": "string"
                    }
                  },
                  "budget": {
                    "$ref": "#/components/schemas/Budget"
                  },
                  "last_used_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "key": {
                    "type": "string",
                    "description": "Only in the answer that creates the key: shown once, never stored."
                  }
                }
              },
              "KeyCreate": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "name"
                ],
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "\\S"
                  },
                  "team_id": {
                    "type": "string",
                    "nullable": true
                  },
                  "expires_at": {
                    "type": "string",
                    "format": "date-time",
                    "nullable": true
                  },
                  "disabled": {
                    "type": "boolean"
                  },
                  "limits": {
                    "$ref": "#/components/schemas/Limits"
                  },
                  "metadata": {
                    "type": "object",
                    "additionalProperties": {
                      "type": "string"
                    }
                  }
                }
              },
              "KeyUpdate": {
                "type": "object",
                "additionalProperties": false,
                "required": [],
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "\\S"
                  },
                  "team_id": {
                    "type": "string",
                    "nullable": true
                  },
                  "expires_at": {
                    "type": "string",
                    "format": "date-time",
                    "nullable": true
                  },
                  "disabled": {
                    "type": "boolean"
                  },
                  "limits": {
                    "$ref": "#/components/schemas/Limits"
                  },
                  "metadata": {
                    "type": "object",
                    "additionalProperties": {
                      "type": "string"
                    }
                  }
                }
              },
              "Team": {
                "type": "object",
                "required": [
                  "id",
                  "name",
                  "created_at",
                  "disabled",
                  "limits",
                  "metadata",
                  "keys"
                ],
                "properties": {
                  "id": {
                    "type": "string"
                  },
                  "name": {
                    "type": "string"
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "disabled": {
                    "type": "boolean"
                  },
                  "limits": {
                    "$ref": "#/components/schemas/Limits"
                  },
                  "metadata": {
                    "type": "object",
                    "additionalProperties": {
                      "type": "string"
                    }
                  },
                  "keys": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "budget": {
                    "$ref": "#/components/schemas/Budget"
                  }
                }
              },
              "TeamCreate": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "name"
                ],
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "\\S"
                  },
                  "disabled": {
                    "type": "boolean"
                  },
                  "limits": {
                    "$ref": "#/components/schemas/Limits"
                  },
                  "metadata": {
                    "type": "object",
                    "additionalProperties": {
                      "type": "string"
                    }
                  }
                }
              },
              "TeamUpdate": {
                "type": "object",
                "additionalProperties": false,
                "required": [],
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "\\S"
                  },
                  "disabled": {
                    "type": "boolean"
                  },
                  "limits": {
                    "$ref": "#/components/schemas/Limits"
                  },
                  "metadata": {
                    "type": "object",
                    "additionalProperties": {
                      "type": "string"
                    }
                  }
                }
              },
              "UsageRow": {
                "type": "object",
                "required": [
                  "key",
                  "requests",
                  "errors",
                  "prompt_tokens",
                  "completion_tokens",
                  "reasoning_tokens",
                  "cached_tokens",
                  "estimated_requests",
                  "cost_usd",
                  "unpriced_requests",
                  "reference_cost_usd",
                  "savings_usd",
                  "average_latency_seconds"
                ],
                "properties": {
                  "requests": {
                    "type": "integer"
                  },
                  "errors": {
                    "type": "integer"
                  },
                  "prompt_tokens": {
                    "type": "integer"
                  },
                  "completion_tokens": {
                    "type": "integer"
                  },
                  "reasoning_tokens": {
                    "type": "integer"
                  },
                  "cached_tokens": {
                    "type": "integer"
                  },
                  "estimated_requests": {
                    "type": "integer"
                  },
                  "unpriced_requests": {
                    "type": "integer"
                  },
                  "key": {
                    "type": "string"
                  },
                  "cost_usd": {
                    "type": "number"
                  },
                  "reference_cost_usd": {
                    "type": "number"
                  },
                  "savings_usd": {
                    "type": "number"
                  },
                  "average_latency_seconds": {
                    "type": "number"
                  }
                }
              },
              "Usage": {
                "type": "object",
                "required": [
                  "from",
                  "to",
                  "group_by",
                  "rows",
                  "totals",
                  "cost_complete"
                ],
                "properties": {
                  "from": {
                    "type": "string"
                  },
                  "to": {
                    "type": "string"
                  },
                  "group_by": {
                    "type": "string",
                    "enum": [
                      "provider",
                      "model",
                      "key",
                      "team",
                      "day"
                    ]
                  },
                  "reference_model": {
                    "type": "string"
                  },
                  "rows": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/UsageRow"
                    }
                  },
                  "totals": {
                    "$ref": "#/components/schemas/UsageRow"
                  },
                  "cost_complete": {
                    "type": "boolean"
                  }
                }
              },
              "Error": {
                "type": "object",
                "required": [
                  "error"
                ],
                "properties": {
                  "error": {
                    "type": "object",
                    "required": [
                      "message",
                      "type"
                    ],
                    "properties": {
                      "message": {
                        "type": "string"
                      },
                      "type": {
                        "type": "string"
                      },
                      "code": {
                        "type": "string",
                        "nullable": true
                      },
                      "param": {
                        "type": "string",
                        "nullable": true
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
