-- wrk script: POST the documentation's text example to a sandbox on its defaults
-- (`wasphere sandbox --addr 127.0.0.1:0 --rate-limit off --no-record`).
-- Usage: wrk -t1 -c64 -d20s -s crates/wasphere-sandbox/bench/send-text.lua http://127.0.0.1:PORT
wrk.method = "POST"
wrk.path = "/workspaces/00000000-0000-4000-8000-000000000000/proxy/api/sessions/my-session/messages/text"
wrk.headers["Authorization"] = "Bearer wsk_test_sandbox"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{
"to": "923001234567",
"text": "Hello! Your order *#1234* has been dispatched. Expected delivery: _Friday 28 May_."
}]]
-- wrk itself reports "Non-2xx or 3xx responses" when any answer was not a success.
