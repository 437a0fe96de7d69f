-- wrk script: POST one chat completion request. MODEL, STREAM and KEY (the bearer token) come from the environment.
local model = os.getenv("MODEL") or "bench/model"
local stream = os.getenv("STREAM") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("KEY") or "dummy")
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"system","content":"You are a helpful assistant."},'
  .. '{"role":"user","content":"Write a haiku about gateways."}],"max_tokens":64'
  .. (stream and ',"stream":true' or '') .. '}'
