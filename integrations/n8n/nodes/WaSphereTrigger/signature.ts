/**
 * The signature check of contract section 5: `X-WaSphere-Signature` is
 * `v1,sha256=<lowercase hex>` of HMAC-SHA256(secret, "{timestamp}.{raw body}"), compared
 * in constant time, with the timestamp at most 5 minutes from now either way. Several
 * space-separated signatures may come while a secret is rotated: one match suffices.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOLERANCE_SECONDS = 300;

export const TIMESTAMP_HEADER = 'x-wasphere-timestamp';
export const SIGNATURE_HEADER = 'x-wasphere-signature';

export type Verdict = { ok: true } | { ok: false; reason: string };

function mac(secret: string, timestamp: string, rawBody: Buffer): Buffer {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The header value for `rawBody` signed at `timestamp` (Unix seconds). */
export function sign(secret: string, timestamp: number, rawBody: Buffer): string {
	return `v1,sha256=${mac(secret, String(timestamp), rawBody).toString('hex')}`;
}

/** Whether a delivery is authentic and fresh; the reason never contains the secret. */
export function verifySignature(
	secret: string,
	timestamp: string | undefined,
	signature: string | undefined,
	rawBody: Buffer,
	nowSeconds: number,
): Verdict {
	if (timestamp === undefined || timestamp.trim() === '') {
		return { ok: false, reason: 'missing X-WaSphere-Timestamp header' };
	}
	if (signature === undefined || signature.trim() === '') {
		return { ok: false, reason: 'missing X-WaSphere-Signature header' };
	}
	const stamp = timestamp.trim();
	if (!/^-?\d{1,15}$/.test(stamp)) {
		return { ok: false, reason: 'X-WaSphere-Timestamp is not Unix seconds' };
	}
	const expected = mac(secret, stamp, rawBody);
	let sawWellFormed = false;
	for (const candidate of signature.trim().split(/\s+/)) {
		const match = /^v1,sha256=([0-9a-f]{64})$/.exec(candidate);
		if (match === null) continue;
		sawWellFormed = true;
		if (timingSafeEqual(Buffer.from(match[1], 'hex'), expected)) {
			const age = nowSeconds - Number(stamp);
			if (age > TOLERANCE_SECONDS) {
				return { ok: false, reason: `the timestamp is ${age} s old; at most ${TOLERANCE_SECONDS} s is accepted (a replay, or a clock off)` };
			}
			if (-age > TOLERANCE_SECONDS) {
				return { ok: false, reason: `the timestamp is ${-age} s in the future; at most ${TOLERANCE_SECONDS} s is accepted (check the clocks)` };
			}
			return { ok: true };
		}
	}
	return {
		ok: false,
		reason: sawWellFormed
			? 'the signature does not match: check the signing secret in the credential'
			: 'X-WaSphere-Signature is not of the form v1,sha256=<64 lowercase hex digits>',
	};
}
