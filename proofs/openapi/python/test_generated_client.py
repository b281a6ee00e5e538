"""The Python client that openapi-python-client generates from docs/openapi.json, used
against a live `wasphere sandbox`: the documentation's 14 bodies are sent and accepted, the
operations on messages (edit, delete, mark read, typing, presence) are done with the
document's examples, and a 400, a 429 and a Meta session's 501 come back as typed errors.

Run by ../python-client.sh, which generates the client (package `wasphere_api`) and sets
WASPHERE_BIN (the `wasphere` binary) and WASPHERE_OPENAPI (the document).
"""

import json
import os
import re
import subprocess
import urllib.request
from uuid import UUID

import pytest

from wasphere_api import AuthenticatedClient
from wasphere_api.api.messages import (
    delete_message,
    edit_message,
    mark_read,
    send_audio,
    send_buttons,
    send_contact,
    send_document,
    send_gif,
    send_image,
    send_list,
    send_location,
    send_poll,
    send_reaction,
    send_sticker,
    send_text,
    send_video,
    send_view_once,
    set_presence,
    show_typing,
)
from wasphere_api.models import (
    Audio,
    Buttons,
    Contact,
    DeleteMessageResponse,
    Document,
    EditMessage,
    EditMessageResponse,
    Gif,
    Image,
    InvalidMessageIdBody,
    InvalidSessionIdBody,
    List,
    Location,
    MarkRead,
    MarkReadResponse,
    Poll,
    Presence,
    PresenceResponse,
    SetPresence,
    RateLimitedBody,
    Reaction,
    SendResponse,
    StatusMessageBody,
    Sticker,
    Text,
    Typing,
    TypingResponse,
    ValidationFailedBody,
    Video,
    ViewOnce,
)

# Each message type's generated operation and body model.
SENDERS = {
    "text": (send_text, Text),
    "image": (send_image, Image),
    "video": (send_video, Video),
    "audio": (send_audio, Audio),
    "document": (send_document, Document),
    "gif": (send_gif, Gif),
    "sticker": (send_sticker, Sticker),
    "location": (send_location, Location),
    "contact": (send_contact, Contact),
    "poll": (send_poll, Poll),
    "buttons": (send_buttons, Buttons),
    "list": (send_list, List),
    "view-once": (send_view_once, ViewOnce),
    "reaction": (send_reaction, Reaction),
}

PREFIX = "/workspaces/{workspaceId}/proxy/api/sessions/{sessionId}/messages/"


def document():
    with open(os.environ["WASPHERE_OPENAPI"], encoding="utf-8") as f:
        return json.load(f)


def documented_bodies():
    """The `documented` example of every send operation of the document, by type slug."""
    bodies = {}
    for path, item in document()["paths"].items():
        send = item.get("post", {})
        if not send.get("operationId", "").startswith("send"):
            continue
        media = send["requestBody"]["content"]["application/json"]
        bodies[path.removeprefix(PREFIX)] = media["examples"]["documented"]["value"]
    return bodies


def operation_examples():
    """The request example of every POST operation on messages but the sends, by id."""
    examples = {}
    for item in document()["paths"].values():
        post = item.get("post", {})
        if post.get("operationId", "send").startswith("send"):
            continue
        media = post["requestBody"]["content"]["application/json"]
        examples[post["operationId"]] = media["examples"]["example"]["value"]
    return examples


class Sandbox:
    """`wasphere sandbox` on a free port, stopped by `close()`."""

    def __init__(self, *flags):
        self.process = subprocess.Popen(
            [os.environ["WASPHERE_BIN"], "sandbox", "--addr", "127.0.0.1:0", *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = self.process.stdout.readline()
        match = re.match(r"listening on (http://\S+)", first)
        if not match:
            self.close()
            raise RuntimeError(f"the sandbox did not start: {first!r} {self.process.stderr.read()}")
        self.url = match.group(1)
        # The defaults of `wasphere sandbox`.
        self.workspace = UUID("00000000-0000-4000-8000-000000000000")
        self.session = "my-session"
        self.client = AuthenticatedClient(base_url=self.url, token="wsk_test_sandbox")

    def recorded_bodies(self):
        # The sandbox's own routes take its API key, as its API does.
        request = urllib.request.Request(
            f"{self.url}/__sandbox/messages",
            headers={"Authorization": "Bearer wsk_test_sandbox"},
        )
        with urllib.request.urlopen(request) as answer:
            return [m["body"] for m in json.load(answer)]

    def recorded_operations(self):
        """What `/__sandbox/operations` recorded, as (operation, message id, body)."""
        request = urllib.request.Request(
            f"{self.url}/__sandbox/operations",
            headers={"Authorization": "Bearer wsk_test_sandbox"},
        )
        with urllib.request.urlopen(request) as answer:
            return [
                (o["operation"], o.get("messageId"), o["body"])
                for o in json.load(answer)
                if not o["byServer"]
            ]

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def unlimited():
    sandbox = Sandbox("--rate-limit", "off")
    yield sandbox
    sandbox.close()


def test_the_document_has_exactly_these_14_operations():
    assert sorted(documented_bodies()) == sorted(SENDERS)


def test_all_14_documented_bodies_are_sent_and_accepted(unlimited):
    bodies = documented_bodies()
    ids = []
    for slug, (operation, model) in SENDERS.items():
        body = model.from_dict(bodies[slug])
        answer = operation.sync_detailed(
            workspace_id=unlimited.workspace,
            session_id=unlimited.session,
            client=unlimited.client,
            body=body,
        )
        assert answer.status_code == 201, (slug, answer.content)
        assert isinstance(answer.parsed, SendResponse), (slug, answer.parsed)
        assert re.fullmatch(r"[0-9A-F]{20}", answer.parsed.message_id), answer.parsed
        assert answer.parsed.status == "sent"
        ids.append(answer.parsed.message_id)
    assert len(set(ids)) == 14
    # The generated models sent the documented bodies field for field.
    assert unlimited.recorded_bodies() == [bodies[slug] for slug in SENDERS]


def test_a_broken_body_is_a_typed_400(unlimited):
    answer = send_text.sync_detailed(
        workspace_id=unlimited.workspace,
        session_id=unlimited.session,
        client=unlimited.client,
        body=Text(to="923001234567", text=""),
    )
    assert answer.status_code == 400
    assert isinstance(answer.parsed, ValidationFailedBody), answer.parsed
    assert answer.parsed.message == ["text should not be empty"]
    assert answer.parsed.error == "Bad Request"


def test_a_malformed_session_id_is_a_typed_400(unlimited):
    answer = send_text.sync_detailed(
        workspace_id=unlimited.workspace,
        session_id="not a session",
        client=unlimited.client,
        body=Text(to="923001234567", text="hi"),
    )
    assert answer.status_code == 400
    assert isinstance(answer.parsed, InvalidSessionIdBody), answer.parsed
    assert answer.parsed.error == "INVALID_SESSION_ID"


def test_going_over_the_rate_limit_is_a_typed_429():
    sandbox = Sandbox("--rate-limit", "1/1m")
    try:
        def send():
            return send_text.sync_detailed(
                workspace_id=sandbox.workspace,
                session_id=sandbox.session,
                client=sandbox.client,
                body=Text(to="923001234567", text="hi"),
            )

        assert send().status_code == 201
        answer = send()
        assert answer.status_code == 429
        assert isinstance(answer.parsed, RateLimitedBody), answer.parsed
        assert 1 <= answer.parsed.retry_after <= 60
        assert answer.headers["Retry-After"] == str(answer.parsed.retry_after)
    finally:
        sandbox.close()


MESSAGE_ID = "3EB0C767D097B7C7A5C1"


def test_the_document_has_these_5_operations_on_messages():
    assert sorted(operation_examples()) == ["editMessage", "markRead", "setPresence", "showTyping"]
    methods = document()["paths"][PREFIX + "{messageId}"]
    assert methods["delete"]["operationId"] == "deleteMessage"


def test_each_operation_on_messages_is_done_with_its_example(unlimited):
    examples = operation_examples()
    where = dict(
        workspace_id=unlimited.workspace,
        session_id=unlimited.session,
        client=unlimited.client,
    )
    edit = edit_message.sync_detailed(
        message_id=MESSAGE_ID, body=EditMessage.from_dict(examples["editMessage"]), **where
    )
    assert edit.status_code == 201, edit.content
    assert isinstance(edit.parsed, EditMessageResponse), edit.parsed
    assert edit.parsed.status == "edited"
    assert re.fullmatch(r"[0-9A-F]{20}", edit.parsed.message_id), edit.parsed

    deleted = delete_message.sync_detailed(
        message_id=MESSAGE_ID, to="923001234567", for_everyone=True, **where
    )
    assert deleted.status_code == 200, deleted.content
    assert isinstance(deleted.parsed, DeleteMessageResponse), deleted.parsed
    assert deleted.parsed.status == "deleted"

    answers = [
        (mark_read, MarkRead, "markRead", MarkReadResponse, "read"),
        (show_typing, Typing, "showTyping", TypingResponse, "typing"),
        (set_presence, SetPresence, "setPresence", PresenceResponse, "composing"),
    ]
    for operation, model, name, answer_model, status in answers:
        answer = operation.sync_detailed(body=model.from_dict(examples[name]), **where)
        assert answer.status_code == 201, (name, answer.content)
        assert isinstance(answer.parsed, answer_model), (name, answer.parsed)
        assert answer.parsed.status == status
    # The presence is a generated enum of the five words.
    assert SetPresence.from_dict(examples["setPresence"]).presence is Presence.COMPOSING
    assert sorted(p.value for p in Presence) == [
        "available", "composing", "paused", "recording", "unavailable"
    ]

    assert unlimited.recorded_operations() == [
        ("edit", MESSAGE_ID, examples["editMessage"]),
        ("delete", MESSAGE_ID, {"to": "923001234567", "forEveryone": True}),
        ("read", None, examples["markRead"]),
        ("typing", None, examples["showTyping"]),
        ("presence", None, examples["setPresence"]),
    ]


def test_a_malformed_message_id_is_a_typed_400(unlimited):
    answer = delete_message.sync_detailed(
        workspace_id=unlimited.workspace,
        session_id=unlimited.session,
        message_id="not an id",
        client=unlimited.client,
        to="923001234567",
        for_everyone=True,
    )
    assert answer.status_code == 400
    assert isinstance(answer.parsed, InvalidMessageIdBody), answer.parsed
    assert answer.parsed.error == "INVALID_MESSAGE_ID"


def test_an_edit_on_a_meta_session_is_a_typed_501():
    sandbox = Sandbox("--session", "cloud:meta")
    try:
        answer = edit_message.sync_detailed(
            workspace_id=sandbox.workspace,
            session_id="cloud",
            message_id=MESSAGE_ID,
            client=sandbox.client,
            body=EditMessage(to="923001234567", text="fixed"),
        )
        assert answer.status_code == 501
        assert isinstance(answer.parsed, StatusMessageBody), answer.parsed
        assert answer.parsed.status_code == 501
        assert "Meta Cloud API" in answer.parsed.message
    finally:
        sandbox.close()
