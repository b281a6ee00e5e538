/*
 * wasphere_demo.c: the C ABI of wasphere-rs end to end, against a WaSphere server
 * (the sandbox in tests). It validates and sends the 14 documented example bodies,
 * edits, deletes and marks read, shows typing and presence, shows a validation error,
 * a refused API key and a provider that cannot edit, and verifies a signed webhook.
 * Exits 0 only when every step behaved as expected; prints what it did.
 *
 * Environment:
 *   WASPHERE_BASE_URL            e.g. http://127.0.0.1:8080 (required)
 *   WASPHERE_API_KEY, WASPHERE_WORKSPACE, WASPHERE_SESSION   (default: the sandbox's)
 *   WASPHERE_META_SESSION        a session on the Meta Cloud API provider (default: cloud)
 *   WASPHERE_WEBHOOK_SECRET, WASPHERE_WEBHOOK_TIMESTAMP, WASPHERE_WEBHOOK_SIGNATURE,
 *   WASPHERE_WEBHOOK_BODY        a signed delivery to verify (the signature is made by the
 *                                caller, so this program checks what it did not compute)
 *
 * Build: cc wasphere_demo.c -I../../include -L<dir of libwasphere> -lwasphere -o demo
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasphere.h"

/* The 14 request bodies of the API documentation, byte for byte. */
static const struct {
    const char *type;
    const char *body;
} EXAMPLES[] = {
    {"text",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"text\": \"Hello! Your order *#1234* has been dispatched. Expected delivery: _Friday 28 May_.\"\n"
     "}"},
    {"image",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"url\": \"https://yourcdn.com/images/product-photo.jpg\",\n"
     "\"caption\": \"Here is your custom product!\"\n"
     "}"},
    {"video",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"url\": \"https://yourcdn.com/videos/tutorial.mp4\",\n"
     "\"caption\": \"Watch this quick setup guide\"\n"
     "}"},
    {"audio",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"url\": \"https://yourcdn.com/audio/greeting.ogg\",\n"
     "\"isVoiceNote\": false\n"
     "}"},
    {"document",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"url\": \"https://yourcdn.com/files/invoice-1234.pdf\",\n"
     "\"fileName\": \"report.pdf\",\n"
     "\"mimetype\": \"application/pdf\"\n"
     "}"},
    {"gif",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"url\": \"https://yourcdn.com/animations/celebration.mp4\",\n"
     "\"caption\": \"Congratulations!\"\n"
     "}"},
    {"sticker",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"url\": \"https://yourcdn.com/stickers/thumbs-up.png\"\n"
     "}"},
    {"location",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"latitude\": 33.6844,\n"
     "\"longitude\": 73.0479,\n"
     "\"name\": \"Islamabad\",\n"
     "\"address\": \"Capital Territory, Pakistan\"\n"
     "}"},
    {"contact",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"displayName\": \"John Doe\",\n"
     "\"phoneNumber\": \"+923001234567\"\n"
     "}"},
    {"poll",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"name\": \"Question?\",\n"
     "\"options\": [\"Yes\", \"No\", \"Maybe\"],\n"
     "\"selectableCount\": 1\n"
     "}"},
    {"buttons",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"text\": \"Choose:\",\n"
     "\"footer\": \"WaSphere\",\n"
     "\"buttons\": [\n"
     "{ \"id\": \"btn1\", \"text\": \"Option A\" },\n"
     "{ \"id\": \"btn2\", \"text\": \"Option B\" }\n"
     "]\n"
     "}"},
    {"list",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"title\": \"Choose your plan\",\n"
     "\"text\": \"Select below:\",\n"
     "\"buttonText\": \"View Options\",\n"
     "\"sections\": [\n"
     "{\n"
     "\"title\": \"Plans\",\n"
     "\"rows\": [\n"
     "{ \"id\": \"free\", \"title\": \"Free\", \"description\": \"Basic\" },\n"
     "{ \"id\": \"pro\", \"title\": \"Pro\", \"description\": \"Full access\" }\n"
     "]\n"
     "}\n"
     "]\n"
     "}"},
    {"view-once",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"url\": \"https://yourcdn.com/images/otp-screenshot.jpg\",\n"
     "\"caption\": \"Your verification image\"\n"
     "}"},
    {"reaction",
     "{\n"
     "\"to\": \"923001234567\",\n"
     "\"messageId\": \"3EB0C767D097B7C7A5C1\",\n"
     "\"emoji\": \"👍\"\n"
     "}"},
};

static int failures = 0;

static void expect(int ok, const char *what) {
    if (!ok) {
        failures++;
        printf("FAILED: %s\n", what);
    }
}

static const char *env_or(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : fallback;
}

/* Builds a config for `key`; JSON-escaping is skipped because every value here is a
 * URL, a UUID, a slug or a wsk_ key, none of which contains '"' or '\\'. */
static WasphereClient *connect_to(const char *base_url, const char *key, const char *session,
                                  int32_t *code) {
    const char *workspace = env_or("WASPHERE_WORKSPACE", "00000000-0000-4000-8000-000000000000");
    size_t size = strlen(base_url) + strlen(key) + strlen(workspace) + strlen(session) + 256;
    char *config = malloc(size);
    char *error = NULL;
    WasphereClient *client;
    if (config == NULL) {
        return NULL;
    }
    snprintf(config, size,
             "{\"baseUrl\":\"%s\",\"apiKey\":\"%s\",\"workspace\":\"%s\",\"session\":\"%s\","
             "\"allowInsecureHttp\":true,\"timeoutMs\":10000,\"rateLimit\":\"off\"}",
             base_url, key, workspace, session);
    client = wasphere_client_new(config, &error);
    *code = client != NULL ? WASPHERE_OK : WASPHERE_ERR_OTHER;
    if (client == NULL) {
        printf("client: %s\n", error != NULL ? error : "(no error_json)");
    }
    wasphere_string_free(error);
    free(config);
    return client;
}

static WasphereClient *connect_with(const char *base_url, const char *key, int32_t *code) {
    return connect_to(base_url, key, env_or("WASPHERE_SESSION", "my-session"), code);
}

static void validate_and_send_examples(WasphereClient *client) {
    size_t count = sizeof EXAMPLES / sizeof EXAMPLES[0], sent = 0, i;
    for (i = 0; i < count; i++) {
        char *response = NULL, *error = NULL;
        int32_t valid = wasphere_validate(EXAMPLES[i].type, EXAMPLES[i].body, &error);
        int32_t code;
        expect(valid == WASPHERE_OK && error == NULL, "a documented example validates");
        wasphere_string_free(error);
        error = NULL;
        code = wasphere_send(client, EXAMPLES[i].type, EXAMPLES[i].body, &response, &error);
        if (code == WASPHERE_OK && response != NULL && strstr(response, "\"messageId\"") != NULL) {
            sent++;
            printf("sent %-9s -> %s\n", EXAMPLES[i].type, response);
        } else {
            printf("send %s failed with %d: %s\n", EXAMPLES[i].type, code,
                   error != NULL ? error : "(no error_json)");
        }
        expect(code != WASPHERE_OK || error == NULL, "success leaves error_json NULL");
        wasphere_string_free(response);
        wasphere_string_free(error);
    }
    printf("validated and sent %zu of %zu documented examples\n", sent, count);
    expect(count == 14 && sent == count, "all 14 documented examples are sent");
}

static void show_a_validation_error(WasphereClient *client) {
    /* Three mistakes at once: a '+' in `to`, a footer over 60 characters, no buttons. */
    const char *body = "{\"to\":\"+92 300 1234567\",\"text\":\"Choose:\","
                       "\"footer\":\"..........................................................!!!\","
                       "\"buttons\":[]}";
    char *error = NULL, *response = NULL;
    int32_t code = wasphere_validate("buttons", body, &error);
    printf("validate buttons -> %d %s\n", code, error != NULL ? error : "(none)");
    expect(code == WASPHERE_ERR_INVALID, "an invalid body gives WASPHERE_ERR_INVALID");
    expect(error != NULL && strstr(error, "\"path\":\"to\"") != NULL &&
               strstr(error, "\"path\":\"footer\"") != NULL &&
               strstr(error, "\"path\":\"buttons\"") != NULL,
           "error_json lists every violation with its path");
    wasphere_string_free(error);
    error = NULL;

    /* wasphere_send refuses it too, before anything leaves the machine. */
    code = wasphere_send(client, "buttons", body, &response, &error);
    expect(code == WASPHERE_ERR_INVALID && response == NULL, "send refuses an invalid body");
    wasphere_string_free(error);

    /* Bad arguments are errors, never crashes; output pointers may be NULL. */
    expect(wasphere_validate(NULL, body, NULL) == WASPHERE_ERR_INVALID, "NULL type is refused");
    expect(wasphere_validate("carrier-pigeon", "{}", NULL) == WASPHERE_ERR_INVALID,
           "unknown type is refused");
    expect(wasphere_validate("text", "{\"to\":", NULL) == WASPHERE_ERR_INVALID,
           "malformed JSON is refused");
    expect(wasphere_validate("text", "\xff\xfe", NULL) == WASPHERE_ERR_INVALID,
           "invalid UTF-8 is refused");
    expect(wasphere_send(NULL, "text", "{}", NULL, NULL) == WASPHERE_ERR_INVALID,
           "a NULL client is refused");
    wasphere_string_free(NULL);
    wasphere_client_free(NULL);
}

/* Copies the "messageId" of a JSON answer into `id` (at most 100 characters). */
static int message_id_of(const char *answer, char id[101]) {
    const char *start = answer != NULL ? strstr(answer, "\"messageId\":\"") : NULL;
    size_t n = 0;
    if (start == NULL) {
        return 0;
    }
    start += strlen("\"messageId\":\"");
    while (start[n] != '"' && start[n] != '\0' && n < 100) {
        id[n] = start[n];
        n++;
    }
    id[n] = '\0';
    return n > 0;
}

/* Prints "<what> -> <code> <answer or error>" and checks the code and a word of it. */
static void report(const char *what, int32_t code, char *response, char *error,
                   int32_t expected, const char *word) {
    const char *shown = code == WASPHERE_OK ? response : error;
    printf("%s -> %d %s\n", what, code, shown != NULL ? shown : "(none)");
    expect(code == expected && shown != NULL && strstr(shown, word) != NULL, what);
    wasphere_string_free(response);
    wasphere_string_free(error);
}

static void act_on_messages(WasphereClient *client) {
    char id[101], body[256], *response = NULL, *error = NULL;
    int32_t code = wasphere_send(client, "text", "{\"to\":\"923001234567\",\"text\":\"Ships Monday\"}",
                                 &response, &error);
    int found = code == WASPHERE_OK && message_id_of(response, id);
    expect(found, "a text to act on is sent");
    wasphere_string_free(response);
    wasphere_string_free(error);
    if (!found) {
        return;
    }
    response = error = NULL;
    code = wasphere_edit(client, id, "{\"to\":\"923001234567\",\"text\":\"Ships Tuesday\"}",
                         &response, &error);
    report("edit", code, response, error, WASPHERE_OK, "\"edited\"");
    response = error = NULL;
    code = wasphere_delete(client, id, "{\"to\":\"923001234567\"}", &response, &error);
    report("delete", code, response, error, WASPHERE_OK, "\"deleted\"");
    response = error = NULL;
    snprintf(body, sizeof body, "{\"to\":\"923001234567\",\"messageIds\":[\"%s\"]}", id);
    code = wasphere_mark_read(client, body, &response, &error);
    report("mark read", code, response, error, WASPHERE_OK, "\"read\"");
    response = error = NULL;
    code = wasphere_typing(client, "{\"to\":\"923001234567\"}", &response, &error);
    report("typing", code, response, error, WASPHERE_OK, "\"typing\"");
    response = error = NULL;
    code = wasphere_presence(client, "{\"to\":\"923001234567\",\"presence\":\"composing\"}",
                             &response, &error);
    report("presence", code, response, error, WASPHERE_OK, "\"composing\"");

    /* Refused before anything is sent: a bad id with a bad body (both named), and a
     * delete "for me", which the server would turn into a delete for everyone. */
    response = error = NULL;
    code = wasphere_edit(client, "not/an id", "{\"to\":\"923001234567\",\"text\":\"\"}",
                         &response, &error);
    report("edit a bad id", code, response, error, WASPHERE_ERR_INVALID, "\"path\":\"text\"");
    response = error = NULL;
    code = wasphere_delete(client, id, "{\"to\":\"923001234567\",\"forEveryone\":false}",
                           &response, &error);
    report("delete for me", code, response, error, WASPHERE_ERR_INVALID, "forEveryone");
    expect(wasphere_typing(NULL, "{}", NULL, NULL) == WASPHERE_ERR_INVALID,
           "a NULL client is refused");
    expect(wasphere_edit(client, NULL, "{}", NULL, NULL) == WASPHERE_ERR_INVALID,
           "a NULL message id is refused");
}

static void show_a_provider_that_cannot_edit(const char *base_url, const char *key) {
    char *response = NULL, *error = NULL;
    int32_t code;
    WasphereClient *meta =
        connect_to(base_url, key, env_or("WASPHERE_META_SESSION", "cloud"), &code);
    expect(meta != NULL, "a client on the Meta session is created");
    if (meta == NULL) {
        return;
    }
    code = wasphere_edit(meta, "3EB0C767D097B7C7A5C1",
                         "{\"to\":\"923001234567\",\"text\":\"Ships Tuesday\"}", &response,
                         &error);
    report("edit on a Meta session", code, response, error, WASPHERE_ERR_SERVER,
           "does not support editing messages");
    wasphere_client_free(meta);
}

static void show_a_refused_key(const char *base_url) {
    const char *wrong_key = "wsk_test_not-the-right-key-0123456789";
    char *error = NULL;
    int32_t code;
    WasphereClient *client = connect_with(base_url, wrong_key, &code);
    expect(client != NULL, "a client with a wrong key can be created");
    if (client == NULL) {
        return;
    }
    code = wasphere_send(client, EXAMPLES[0].type, EXAMPLES[0].body, NULL, &error);
    printf("send with a wrong key -> %d %s\n", code, error != NULL ? error : "(none)");
    expect(code == WASPHERE_ERR_AUTH, "a wrong key gives WASPHERE_ERR_AUTH");
    expect(error != NULL && strstr(error, "not-the-right-key") == NULL,
           "the key never appears in error_json");
    wasphere_string_free(error);
    wasphere_client_free(client);
}

static void verify_a_webhook(void) {
    const char *secret = getenv("WASPHERE_WEBHOOK_SECRET");
    const char *timestamp = getenv("WASPHERE_WEBHOOK_TIMESTAMP");
    const char *signature = getenv("WASPHERE_WEBHOOK_SIGNATURE");
    const char *body = getenv("WASPHERE_WEBHOOK_BODY");
    char *event = NULL, *error = NULL, *tampered;
    size_t len;
    int32_t code;
    if (secret == NULL || timestamp == NULL || signature == NULL || body == NULL) {
        printf("FAILED: set WASPHERE_WEBHOOK_SECRET, _TIMESTAMP, _SIGNATURE and _BODY\n");
        failures++;
        return;
    }
    len = strlen(body);
    /* now_unix = 0: check the timestamp against the system clock. */
    code = wasphere_webhook_verify(secret, timestamp, signature, (const uint8_t *)body, len, 0,
                                   &event, &error);
    printf("verify webhook -> %d %s\n", code, event != NULL ? event : error);
    expect(code == WASPHERE_OK && event != NULL && strstr(event, "\"event\"") != NULL,
           "a correctly signed delivery is accepted");
    wasphere_string_free(event);
    wasphere_string_free(error);
    event = error = NULL;

    tampered = malloc(len + 1);
    if (tampered == NULL || len == 0) {
        free(tampered);
        failures++;
        return;
    }
    memcpy(tampered, body, len + 1);
    tampered[len - 1] = tampered[len - 1] == ' ' ? '\n' : ' ';
    code = wasphere_webhook_verify(secret, timestamp, signature, (const uint8_t *)tampered, len,
                                   0, &event, &error);
    printf("verify tampered webhook -> %d %s\n", code, error != NULL ? error : "(none)");
    expect(code == WASPHERE_ERR_AUTH && event == NULL, "a tampered delivery is refused");
    expect(error != NULL && strstr(error, secret) == NULL, "the secret never appears");
    wasphere_string_free(error);
    free(tampered);
}

int main(void) {
    const char *base_url = getenv("WASPHERE_BASE_URL");
    const char *key = env_or("WASPHERE_API_KEY", "wsk_test_sandbox");
    WasphereClient *client;
    int32_t code;
    printf("wasphere %s\n", wasphere_version());
    if (base_url == NULL) {
        fprintf(stderr, "set WASPHERE_BASE_URL to the server's base URL\n");
        return 2;
    }
    client = connect_with(base_url, key, &code);
    expect(client != NULL, "the client is created");
    if (client != NULL) {
        validate_and_send_examples(client);
        act_on_messages(client);
        show_a_validation_error(client);
        wasphere_client_free(client);
    }
    show_a_provider_that_cannot_edit(base_url, key);
    show_a_refused_key(base_url);
    verify_a_webhook();
    if (failures != 0) {
        printf("%d expectation(s) failed\n", failures);
        return 1;
    }
    printf("all good\n");
    return 0;
}
