"""Python bindings for wasphere-rs through its C ABI, with ctypes and the standard library only.

    import wasphere

    client = wasphere.Client("https://wasphere.example.com", "wsk_live_...",
                             workspace="be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8",
                             session="my-session")
    try:
        sent = client.send("text", {"to": "923001234567", "text": "Hello!"})
        print(sent["messageId"])
        client.edit(sent["messageId"], "923001234567", "Hello again!")
        client.delete(sent["messageId"], "923001234567")   # for everyone
    except wasphere.ValidationError as e:
        for v in e.violations:
            print(v["path"], v["message"])
    except wasphere.RateLimitedError as e:
        print("retry in", e.retry_after, "s")

The library is found through $WASPHERE_LIB (a path to libwasphere.so / .dylib / .dll),
else the system's library search path. Every call releases the GIL while Rust works
(ctypes does so for foreign calls), and a Client may be shared between threads.
"""

import ctypes
import ctypes.util
import json
import os
import threading

__all__ = [
    "Client",
    "validate",
    "verify_webhook",
    "version",
    "WasphereError",
    "ValidationError",
    "AuthError",
    "NotFoundError",
    "RateLimitedError",
    "ServerError",
    "NetworkError",
    "OutcomeUnknownError",
    "UnexpectedAnswerError",
]

# The return codes of wasphere.h.
OK = 0


class WasphereError(Exception):
    """Any failure reported by the library; `kind`, `code`, `status` and `details` come
    from its error_json."""

    code = 1

    def __init__(self, details):
        self.details = details
        self.kind = details.get("kind", "other")
        self.status = details.get("status")
        self.server_messages = details.get("serverMessages", [])
        super().__init__(details.get("message", "unknown error"))


class ValidationError(WasphereError):
    """The message (or an argument, or the configuration) is invalid; `violations` lists
    every broken rule with its `path`, `rule` and `message`."""

    code = 2

    def __init__(self, details):
        super().__init__(details)
        self.violations = details.get("violations", [])


class AuthError(WasphereError):
    """The API key was refused (401/403), or a webhook delivery failed verification."""

    code = 3


class NotFoundError(WasphereError):
    """The session does not exist (404)."""

    code = 4


class RateLimitedError(WasphereError):
    """Too many requests; `retry_after` is the number of seconds to wait, if known."""

    code = 5

    def __init__(self, details):
        super().__init__(details)
        self.retry_after = details.get("retryAfter")


class ServerError(WasphereError):
    """The server refused without processing the message (session not connected, …)."""

    code = 6


class NetworkError(WasphereError):
    """The server could not be reached; the message was not sent."""

    code = 7


class OutcomeUnknownError(WasphereError):
    """The message may or may not have been delivered: check before sending it again."""

    code = 8


class UnexpectedAnswerError(WasphereError):
    """Something other than the WaSphere API answered (a redirect, a proxy's page): check
    the base URL. The message was not sent."""

    code = 9


_BY_CODE = {cls.code: cls for cls in (ValidationError, AuthError, NotFoundError,
                                      RateLimitedError, ServerError, NetworkError,
                                      OutcomeUnknownError, UnexpectedAnswerError)}

_lock = threading.Lock()
_lib = None


def _load():
    global _lib
    with _lock:
        if _lib is not None:
            return _lib
        path = os.environ.get("WASPHERE_LIB") or ctypes.util.find_library("wasphere")
        if not path:
            raise OSError("libwasphere not found: set WASPHERE_LIB to its path")
        lib = ctypes.CDLL(path)
        # Outputs are declared as void** rather than char**: ctypes would turn a char*
        # result into bytes and lose the pointer that wasphere_string_free needs.
        out = ctypes.POINTER(ctypes.c_void_p)
        cstr = ctypes.c_char_p
        lib.wasphere_version.argtypes = []
        lib.wasphere_version.restype = cstr
        lib.wasphere_validate.argtypes = [cstr, cstr, out]
        lib.wasphere_validate.restype = ctypes.c_int32
        lib.wasphere_client_new.argtypes = [cstr, out]
        lib.wasphere_client_new.restype = ctypes.c_void_p
        lib.wasphere_send.argtypes = [ctypes.c_void_p, cstr, cstr, out, out]
        lib.wasphere_send.restype = ctypes.c_int32
        for name in ("wasphere_edit", "wasphere_delete"):
            getattr(lib, name).argtypes = [ctypes.c_void_p, cstr, cstr, out, out]
            getattr(lib, name).restype = ctypes.c_int32
        for name in ("wasphere_mark_read", "wasphere_typing", "wasphere_presence"):
            getattr(lib, name).argtypes = [ctypes.c_void_p, cstr, out, out]
            getattr(lib, name).restype = ctypes.c_int32
        lib.wasphere_webhook_verify.argtypes = [cstr, cstr, cstr, ctypes.c_char_p,
                                                ctypes.c_size_t, ctypes.c_int64, out, out]
        lib.wasphere_webhook_verify.restype = ctypes.c_int32
        lib.wasphere_string_free.argtypes = [ctypes.c_void_p]
        lib.wasphere_string_free.restype = None
        lib.wasphere_client_free.argtypes = [ctypes.c_void_p]
        lib.wasphere_client_free.restype = None
        _lib = lib
        return lib


def _take(lib, pointer):
    """The text of a library-owned string, which is then freed."""
    if not pointer.value:
        return None
    try:
        return ctypes.string_at(pointer.value).decode("utf-8")
    finally:
        lib.wasphere_string_free(pointer.value)


def _raise(code, details_json):
    details = json.loads(details_json) if details_json else {"message": "error %d" % code}
    raise _BY_CODE.get(code, WasphereError)(details)


def _text(value):
    """JSON text for a dict/list, or the str/bytes given."""
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    if isinstance(value, str):
        value = value.encode("utf-8")
    return value


def version():
    """The library's version, such as "0.1.0"."""
    return _load().wasphere_version().decode("utf-8")


def validate(message_type, body):
    """Checks a body (dict or JSON text) against every rule of `message_type`; raises
    ValidationError listing every violation."""
    lib = _load()
    error = ctypes.c_void_p()
    code = lib.wasphere_validate(_text(message_type), _text(body), ctypes.byref(error))
    details = _take(lib, error)
    if code != OK:
        _raise(code, details)


def verify_webhook(secret, timestamp, signature, body, now=0):
    """Verifies a delivery over its raw `body` bytes with the X-WaSphere-Timestamp and
    X-WaSphere-Signature header values (None when absent); returns the event as a dict.
    `now` is Unix seconds, 0 for the system clock. Raises AuthError if it is not
    authentic (answer 401)."""
    lib = _load()
    event, error = ctypes.c_void_p(), ctypes.c_void_p()
    if isinstance(body, str):
        body = body.encode("utf-8")
    code = lib.wasphere_webhook_verify(
        _text(secret), None if timestamp is None else _text(str(timestamp)),
        None if signature is None else _text(signature), body, len(body), int(now),
        ctypes.byref(event), ctypes.byref(error))
    event_json, details = _take(lib, event), _take(lib, error)
    if code != OK:
        _raise(code, details)
    return json.loads(event_json)


class Client:
    """A WaSphere client: validation, safe retries and the rate limiter of wasphere-rs.

    Options (all optional): rate_limit ("off" or {"max": n, "windowSecs": s}),
    timeout_ms, connect_timeout_ms, allow_insecure_http, retry ("safe" or
    "at-least-once"). Use it as a context manager, or call close()."""

    def __init__(self, base_url, api_key, workspace, session, *, rate_limit=None,
                 timeout_ms=None, connect_timeout_ms=None, allow_insecure_http=None,
                 retry=None):
        self._lib = _load()
        config = {"baseUrl": base_url, "apiKey": api_key, "workspace": workspace,
                  "session": session, "rateLimit": rate_limit, "timeoutMs": timeout_ms,
                  "connectTimeoutMs": connect_timeout_ms,
                  "allowInsecureHttp": allow_insecure_http, "retry": retry}
        config = {k: v for k, v in config.items() if v is not None}
        error = ctypes.c_void_p()
        handle = self._lib.wasphere_client_new(_text(config), ctypes.byref(error))
        details = _take(self._lib, error)
        if not handle:
            # NULL has no code of its own: error_json carries it (2 for a bad config).
            _raise(json.loads(details).get("code", 1) if details else 1, details)
        self._handle = handle

    def send(self, message_type, body):
        """Sends a message (dict or JSON text); returns the server's answer as a dict,
        such as {"messageId": "...", "status": "sent"}."""
        return self._call(self._lib.wasphere_send, _text(message_type), _text(body))

    def edit(self, message_id, to, text):
        """Replaces the text of a message you sent; returns {"messageId": <the edit's
        id>, "status": "edited"}. Raises ServerError when the session's provider (the
        Meta Cloud API) cannot edit."""
        return self._call(self._lib.wasphere_edit, _text(message_id),
                          _text({"to": to, "text": text}))

    def delete(self, message_id, to):
        """Deletes a message you sent, for everyone (the server deletes for everyone
        whatever it is asked, so there is no delete-for-me); returns {"status": "deleted"}."""
        return self._call(self._lib.wasphere_delete, _text(message_id), _text({"to": to}))

    def mark_read(self, to, message_ids):
        """Marks 1 to 100 messages received from `to` read; returns {"status": "read"}
        ("ok" on a Meta session)."""
        return self._call(self._lib.wasphere_mark_read,
                          _text({"to": to, "messageIds": list(message_ids)}))

    def typing(self, to, group=False):
        """Shows "typing..." in a chat (the server sends "paused" 3 s later)."""
        body = {"to": to, "isGroup": True} if group else {"to": to}
        return self._call(self._lib.wasphere_typing, _text(body))

    def presence(self, to, presence):
        """Sets the presence shown in a chat: "available", "unavailable", "composing",
        "recording" or "paused"."""
        return self._call(self._lib.wasphere_presence, _text({"to": to, "presence": presence}))

    def _call(self, function, *arguments):
        """Calls `function(handle, *arguments, &response, &error)`; the answer as a dict."""
        if not self._handle:
            raise WasphereError({"kind": "other", "message": "the client is closed"})
        response, error = ctypes.c_void_p(), ctypes.c_void_p()
        code = function(self._handle, *arguments, ctypes.byref(response), ctypes.byref(error))
        response_json, details = _take(self._lib, response), _take(self._lib, error)
        if code != OK:
            _raise(code, details)
        return json.loads(response_json)

    def close(self):
        """Stops the client's threads; further sends raise WasphereError."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._lib.wasphere_client_free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
