"""Gemini-native and Anthropic-Messages upstreams for the SDK tests, in their real wire formats.

Both play one tool-calling conversation: the first turn calls `get_weather`, and a turn that carries
the tool's result gets a text answer. Each refuses a replay the real service would refuse: Gemini a
function call without the thought signature it issued, Anthropic a tool result with an unknown id.
"""
import json
from http.server import BaseHTTPRequestHandler

SIGNATURE = "CiQBpy+sig/weather=="
# Models whose names say they take Anthropic's native `output_config.format` (Claude 4.5 and later).
NATIVE_JSON_MODELS = ["-4-5", "-4-6", "-4-7", "-5"]
ANSWER = "It is 21 degrees in Paris."


def fitting(schema):
    """A value that fits a JSON schema's object of strings, numbers and booleans (what the fakes answer)."""
    samples = {"string": "Paris", "integer": 21, "number": 21.5, "boolean": True}
    return {name: samples.get(field.get("type"), None) for name, field in schema.get("properties", {}).items()}


class FakeDialects(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def log_message(self, *args):
        pass

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _events(self, events):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for name, payload in events:
            prefix = f"event: {name}\n".encode() if name else b""
            self.wfile.write(prefix + b"data: " + json.dumps(payload).encode() + b"\n\n")
            self.wfile.flush()
        self.close_connection = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length))
        FakeDialects.seen.append({"path": self.path, "headers": dict(self.headers), "body": request})
        if self.path.startswith("/gemini/"):
            return self.gemini(request)
        if self.path == "/anthropic/v1/messages":
            return self.anthropic(request)
        return self._json(404, {"error": {"message": "no such path"}})

    def gemini(self, request):
        stream = ":streamGenerateContent" in self.path
        contents = request["contents"]
        answered = any("functionResponse" in part for part in contents[-1]["parts"])
        config = request.get("generationConfig") or {}
        if config.get("responseMimeType") == "application/json" and config.get("responseSchema"):
            parts = [{"text": json.dumps(fitting(config["responseSchema"]))}]
        elif not request.get("tools"):
            parts = [{"text": "fake gemini"}, {"text": " says hi"}]
        elif answered:
            call = contents[-2]["parts"][0]
            if call.get("thoughtSignature") != SIGNATURE:
                return self._json(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                                  "message": "Function call is missing a thought_signature in functionCall parts."}})
            parts = [{"text": ANSWER}]
        else:
            parts = [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": SIGNATURE}]
        response = {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
                    "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 4, "totalTokenCount": 13}}
        if stream:
            # One event per part, as Gemini streams text.
            events = [{"candidates": [{"content": {"role": "model", "parts": [part]}, "index": 0}]} for part in parts[:-1]]
            last = {**response, "candidates": [{**response["candidates"][0], "content": {"role": "model", "parts": parts[-1:]}}]}
            return self._events([(None, event) for event in events + [last]])
        return self._json(200, response)

    def anthropic(self, request):
        last = request["messages"][-1]["content"]
        results = [block for block in last if block.get("type") == "tool_result"]
        if results and results[0]["tool_use_id"] != "toolu_py_1":
            return self._json(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                              "message": "unexpected tool_use_id in tool_result"}})
        output_format = (request.get("output_config") or {}).get("format")
        forced = (request.get("tool_choice") or {}).get("name")
        stop = "end_turn"
        if output_format:
            # Native structured output, which only Claude 4.5 and later accept.
            if not any(family in request["model"] for family in NATIVE_JSON_MODELS):
                return self._json(400, {"type": "error", "error": {
                    "type": "invalid_request_error",
                    "message": f"'{request['model']}' does not support output format."}})
            blocks = [{"type": "text", "text": json.dumps(fitting(output_format["schema"]))}]
        elif forced:
            tool = next(tool for tool in request["tools"] if tool["name"] == forced)
            blocks = [{"type": "tool_use", "id": "toolu_py_json", "name": forced, "input": fitting(tool["input_schema"])}]
            stop = "tool_use"
        elif not request.get("tools"):
            blocks = [{"type": "text", "text": "fake anthropic says hi"}]
        elif results:
            blocks = [{"type": "text", "text": ANSWER}]
        else:
            blocks = [{"type": "tool_use", "id": "toolu_py_1", "name": "get_weather", "input": {"city": "Paris"}}]
            stop = "tool_use"
        usage = {"input_tokens": 9, "output_tokens": 4}
        if not request.get("stream"):
            return self._json(200, {"id": "msg_py", "type": "message", "role": "assistant", "model": request["model"],
                                    "content": blocks, "stop_reason": stop, "usage": usage})
        events = [("message_start", {"type": "message_start", "message": {
            "id": "msg_py", "type": "message", "role": "assistant", "model": request["model"], "content": [],
            "stop_reason": None, "usage": {"input_tokens": 9, "output_tokens": 1}}})]
        block = blocks[0]
        if block["type"] == "text":
            events.append(("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}))
            events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                   "delta": {"type": "text_delta", "text": block["text"]}}))
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": 0,
                                                    "content_block": {**block, "input": {}}}))
            arguments = json.dumps(block["input"])
            for piece in [arguments[:len(arguments) // 2], arguments[len(arguments) // 2:]]:
                events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                       "delta": {"type": "input_json_delta", "partial_json": piece}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
        events.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop}, "usage": {"output_tokens": 4}}))
        events.append(("message_stop", {"type": "message_stop"}))
        return self._events(events)
