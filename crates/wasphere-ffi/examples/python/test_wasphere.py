"""Tests of wasphere.py against a sandbox, with the standard library only.

    WASPHERE_LIB=/path/to/libwasphere.so WASPHERE_BASE_URL=http://127.0.0.1:PORT \
        python3 -m unittest test_wasphere

The sandbox's defaults are assumed (key wsk_test_sandbox, workspace 00000000-…, session
my-session) plus a disconnected session `offline` and a session `cloud` on the Meta Cloud
API provider; faults are injected through POST /__sandbox/faults, and what was edited,
deleted and read is read from GET /__sandbox/operations. The Rust test
tests/python_example.rs sets all of this up.
"""

import hashlib
import hmac
import json
import os
import threading
import time
import unittest
import urllib.request

import wasphere

BASE_URL = os.environ.get("WASPHERE_BASE_URL", "")
KEY = "wsk_test_sandbox"
WORKSPACE = "00000000-0000-4000-8000-000000000000"
TEXT = {"to": "923001234567", "text": "Hello from Python"}


def client(**options):
    options.setdefault("rate_limit", "off")
    return wasphere.Client(BASE_URL, options.pop("api_key", KEY), WORKSPACE,
                           options.pop("session", "my-session"), **options)


def inject(fault, count=1):
    """Makes the sandbox answer the next `count` sends with `fault`."""
    rule = json.dumps({"fault": fault, "trigger": {"next": count}}).encode()
    request = urllib.request.Request(BASE_URL + "/__sandbox/faults", data=rule,
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + KEY})
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 201, answer.status


def operations():
    """The operations the sandbox accepted, without the server's own "paused"."""
    request = urllib.request.Request(BASE_URL + "/__sandbox/operations",
                                     headers={"Authorization": "Bearer " + KEY})
    with urllib.request.urlopen(request) as answer:
        return [op for op in json.load(answer) if not op["byServer"]]


def clear_faults():
    request = urllib.request.Request(BASE_URL + "/__sandbox/faults", method="DELETE",
                                     headers={"Authorization": "Bearer " + KEY})
    urllib.request.urlopen(request).close()


class Validation(unittest.TestCase):
    def test_version(self):
        self.assertRegex(wasphere.version(), r"^\d+\.\d+\.\d+")

    def test_valid_bodies_pass(self):
        wasphere.validate("text", TEXT)
        wasphere.validate("reaction", '{"to":"923001234567","messageId":"3EB0C767D097B7C7A5C1","emoji":"👍"}')

    def test_every_violation_is_reported(self):
        with self.assertRaises(wasphere.ValidationError) as caught:
            wasphere.validate("poll", {"to": "+92 300", "name": "", "options": ["a"]})
        paths = [v["path"] for v in caught.exception.violations]
        self.assertEqual(paths, ["to", "name", "options"])
        self.assertEqual(caught.exception.kind, "invalid")
        self.assertIsInstance(caught.exception, wasphere.WasphereError)

    def test_bad_input_is_an_error_not_a_crash(self):
        for message_type, body in [("carrier-pigeon", "{}"), ("text", "{"), ("text", "[]"),
                                   ("text", b"\xff\xfe")]:
            with self.assertRaises(wasphere.ValidationError):
                wasphere.validate(message_type, body)


class Webhooks(unittest.TestCase):
    SECRET = "whsec_python"
    BODY = (b'{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:00Z",'
            b'"deliveryId":"0123456789abcdef0123456789abcdef","data":{"messageId":"ABC",'
            b'"from":"923001234567@s.whatsapp.net","type":"conversation","content":'
            b'{"text":"Option A","selectionId":"btn1","interactiveKind":"button_reply"}}}')

    def sign(self, timestamp, body):
        # Signed here with Python's own hmac: two implementations must agree.
        mac = hmac.new(self.SECRET.encode(), b"%d." % timestamp + body, hashlib.sha256)
        return "v1,sha256=" + mac.hexdigest()

    def test_a_signed_delivery_is_verified(self):
        now = int(time.time())
        event = wasphere.verify_webhook(self.SECRET, now, self.sign(now, self.BODY), self.BODY)
        self.assertEqual(event["event"], "message.received")
        self.assertEqual(event["data"]["content"]["selectionId"], "btn1")

    def test_forgeries_and_replays_are_refused(self):
        now = int(time.time())
        signature = self.sign(now, self.BODY)
        with self.assertRaises(wasphere.AuthError) as caught:
            wasphere.verify_webhook(self.SECRET, now, signature, self.BODY.replace(b"btn1", b"btn2"))
        self.assertEqual(caught.exception.details["reason"], "bad_signature")
        self.assertNotIn(self.SECRET, str(caught.exception.details))
        old = now - 3600
        with self.assertRaises(wasphere.AuthError) as caught:
            wasphere.verify_webhook(self.SECRET, old, self.sign(old, self.BODY), self.BODY)
        self.assertEqual(caught.exception.details["reason"], "too_old")
        with self.assertRaises(wasphere.AuthError):
            wasphere.verify_webhook(self.SECRET, None, None, self.BODY)


class Sending(unittest.TestCase):
    def tearDown(self):
        clear_faults()

    def test_send_returns_the_message_id(self):
        with client() as c:
            sent = c.send("text", TEXT)
            self.assertTrue(sent["messageId"])
            self.assertEqual(sent["status"], "sent")
            sent = c.send("buttons", json.dumps({
                "to": "923001234567", "text": "Choose:", "footer": "WaSphere",
                "buttons": [{"id": "btn1", "text": "Option A"}]}))
            self.assertTrue(sent["messageId"])

    def test_one_client_is_shared_by_threads(self):
        results, errors = [], []
        with client() as c:
            def work():
                try:
                    for _ in range(5):
                        results.append(c.send("text", TEXT)["messageId"])
                except Exception as e:  # collected and asserted on below
                    errors.append(e)
            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(set(results)), 20)

    def test_an_invalid_message_is_not_sent(self):
        with client() as c, self.assertRaises(wasphere.ValidationError) as caught:
            c.send("text", {"to": "923001234567", "text": ""})
        self.assertEqual(caught.exception.violations[0]["rule"], "notEmpty")

    def test_a_wrong_key_is_an_auth_error_that_hides_the_key(self):
        secret = "wsk_test_python-wrong-key-0123456789"
        with client(api_key=secret) as c, self.assertRaises(wasphere.AuthError) as caught:
            c.send("text", TEXT)
        self.assertEqual(caught.exception.status, 401)
        self.assertNotIn("python-wrong-key", json.dumps(caught.exception.details))
        self.assertNotIn("python-wrong-key", str(caught.exception))

    def test_an_unknown_session_is_not_found(self):
        with client(session="no-such-session") as c, self.assertRaises(wasphere.NotFoundError) as caught:
            c.send("text", TEXT)
        self.assertEqual(caught.exception.status, 404)

    def test_a_disconnected_session_is_a_server_error(self):
        with client(session="offline") as c, self.assertRaises(wasphere.ServerError) as caught:
            c.send("text", TEXT)
        self.assertEqual(caught.exception.status, 500)

    def test_rate_limited_carries_retry_after(self):
        # A Retry-After far beyond the retry deadline: the client gives up at once.
        inject({"kind": "rateLimited", "retryAfterSecs": 3600}, count=10)
        with client() as c, self.assertRaises(wasphere.RateLimitedError) as caught:
            c.send("text", TEXT)
        self.assertEqual(caught.exception.retry_after, 3600)
        self.assertEqual(caught.exception.kind, "rate-limited")

    def test_a_gateway_error_is_outcome_unknown(self):
        inject({"kind": "status", "status": 502})
        with client() as c, self.assertRaises(wasphere.OutcomeUnknownError) as caught:
            c.send("text", TEXT)
        self.assertEqual(caught.exception.status, 502)

    def test_an_unreachable_server_is_a_network_error(self):
        with wasphere.Client("http://127.0.0.1:9", KEY, WORKSPACE, "my-session",
                             connect_timeout_ms=1000) as c:
            with self.assertRaises(wasphere.NetworkError):
                c.send("text", TEXT)

    def test_a_bad_config_is_a_validation_error(self):
        with self.assertRaises(wasphere.ValidationError):
            wasphere.Client(BASE_URL, "not-a-key", WORKSPACE, "my-session")
        with self.assertRaises(wasphere.ValidationError):
            client(retry="sometimes")

    def test_a_closed_client_refuses_to_send(self):
        c = client()
        c.close()
        c.close()
        with self.assertRaises(wasphere.WasphereError):
            c.send("text", TEXT)


class Operations(unittest.TestCase):
    TO = "923001234567"

    def tearDown(self):
        clear_faults()

    def test_edit_delete_and_mark_read_reach_the_server(self):
        before = len(operations())
        with client() as c:
            sent = c.send("text", TEXT)
            edited = c.edit(sent["messageId"], self.TO, "Hello again")
            self.assertEqual(edited["status"], "edited")
            self.assertNotEqual(edited["messageId"], sent["messageId"])
            self.assertEqual(c.delete(sent["messageId"], self.TO), {"status": "deleted"})
            self.assertEqual(c.mark_read(self.TO, [sent["messageId"]]), {"status": "read"})
            self.assertEqual(c.typing(self.TO), {"status": "typing"})
            self.assertEqual(c.typing("120363025246125486@g.us", group=True)["status"], "typing")
            self.assertEqual(c.presence(self.TO, "recording"), {"status": "recording"})
        done = operations()[before:]
        self.assertEqual([op["operation"] for op in done],
                         ["edit", "delete", "read", "typing", "typing", "presence"])
        self.assertEqual(done[0]["messageId"], sent["messageId"])
        self.assertEqual(done[0]["body"], {"to": self.TO, "text": "Hello again"})
        self.assertEqual(done[1]["body"], {"to": self.TO, "forEveryone": True})
        self.assertEqual(done[4]["body"]["isGroup"], True)

    def test_every_violation_and_a_bad_id_are_reported_before_sending(self):
        before = len(operations())
        with client() as c:
            with self.assertRaises(wasphere.ValidationError) as caught:
                c.edit("not/an id", "+92 300", "")
            self.assertEqual([v["path"] for v in caught.exception.violations],
                             ["messageId", "to", "text"])
            with self.assertRaises(wasphere.ValidationError) as caught:
                c.mark_read(self.TO, [])
            self.assertEqual(caught.exception.violations[0]["rule"], "minItems")
            with self.assertRaises(wasphere.ValidationError) as caught:
                c.presence(self.TO, "online")
            self.assertEqual(caught.exception.violations[0]["rule"], "oneOf")
        self.assertEqual(len(operations()), before)

    def test_a_meta_session_cannot_edit_but_can_mark_read(self):
        with client(session="cloud") as c:
            with self.assertRaises(wasphere.ServerError) as caught:
                c.edit("3EB0C767D097B7C7A5C1", self.TO, "x")
            self.assertEqual(caught.exception.status, 501)
            self.assertIn("editing messages", str(caught.exception))
            with self.assertRaises(wasphere.ServerError):
                c.typing(self.TO)
            self.assertEqual(c.mark_read(self.TO, ["3EB0C767D097B7C7A5C1"]), {"status": "ok"})

    def test_a_wrong_key_and_a_full_window(self):
        with client(api_key="wsk_test_python-wrong-key-0123456789") as c:
            with self.assertRaises(wasphere.AuthError) as caught:
                c.delete("3EB0C767D097B7C7A5C1", self.TO)
            self.assertNotIn("python-wrong-key", str(caught.exception))
        inject({"kind": "rateLimited", "retryAfterSecs": 3600}, count=10)
        with client() as c, self.assertRaises(wasphere.RateLimitedError) as caught:
            c.typing(self.TO)
        self.assertEqual(caught.exception.retry_after, 3600)

    def test_an_edit_is_repeated_after_a_gateway_error_where_a_send_is_not(self):
        with client() as c:
            inject({"kind": "status", "status": 502})
            with self.assertRaises(wasphere.OutcomeUnknownError):
                c.send("text", TEXT)
            inject({"kind": "status", "status": 502})
            self.assertEqual(c.edit("3EB0C767D097B7C7A5C1", self.TO, "x")["status"], "edited")


if __name__ == "__main__":
    unittest.main()
