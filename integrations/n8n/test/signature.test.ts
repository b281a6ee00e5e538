import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sign, verifySignature } from '../nodes/WaSphereTrigger/signature';

const secret = 'whsec_test';
const body = Buffer.from('{"event":"message.received","data":{"messageId":"A"}}');
const now = 1_800_000_000;

test('a delivery signed with the secret over the raw body is accepted', () => {
	assert.deepEqual(verifySignature(secret, String(now), sign(secret, now, body), body, now), { ok: true });
});

test('the documented scheme: HMAC-SHA256 of "{timestamp}.{body}" in lowercase hex', () => {
	// Computed independently: printf '1800000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
	assert.equal(
		sign(secret, now, Buffer.from('{"a":1}')),
		'v1,sha256=7de5e6bbc99c65ef0ddccacd4308ba03a5a12eb8859a0db070c5ca731c4fdc19',
	);
});

test('a changed body, another secret, or an uppercase digest is refused', () => {
	const signature = sign(secret, now, body);
	const changed = Buffer.from(body.toString().replace('"A"', '"B"'));
	assert.equal(verifySignature(secret, String(now), signature, changed, now).ok, false);
	assert.equal(verifySignature('other', String(now), signature, body, now).ok, false);
	const upper = signature.replace(/sha256=(.*)$/, (_, hex: string) => `sha256=${hex.toUpperCase()}`);
	const verdict = verifySignature(secret, String(now), upper, body, now);
	assert.deepEqual(verdict, {
		ok: false,
		reason: 'X-WaSphere-Signature is not of the form v1,sha256=<64 lowercase hex digits>',
	});
});

test('timestamps more than 5 minutes off are refused either way', () => {
	for (const [signedAt, ok] of [
		[now - 300, true],
		[now - 301, false],
		[now + 300, true],
		[now + 301, false],
	] as const) {
		const verdict = verifySignature(secret, String(signedAt), sign(secret, signedAt, body), body, now);
		assert.equal(verdict.ok, ok, `signed at ${signedAt - now} s`);
	}
});

test('one good signature among several is enough (secret rotation)', () => {
	const header = `${sign('old', now, body)} ${sign(secret, now, body)}`;
	assert.deepEqual(verifySignature(secret, String(now), header, body, now), { ok: true });
});

test('missing or malformed headers say which', () => {
	assert.match(String((verifySignature(secret, undefined, 'x', body, now) as { reason: string }).reason), /Timestamp/);
	assert.match(String((verifySignature(secret, String(now), undefined, body, now) as { reason: string }).reason), /Signature/);
	assert.match(String((verifySignature(secret, 'soon', sign(secret, now, body), body, now) as { reason: string }).reason), /Unix seconds/);
});
