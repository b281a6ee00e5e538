import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type Answer, checkKey, connectionFrom, sessionUrl } from '../nodes/WaSphere/connection';

const settings = {
	baseUrl: 'https://api.example.com/',
	workspaceId: 'be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8',
	sessionId: 'my-session',
	apiKey: 'wsk_live_secret',
};

test('settings are checked field by field', () => {
	const connection = connectionFrom(settings);
	assert.equal(connection.baseUrl, 'https://api.example.com');
	assert.equal(
		sessionUrl(connection, 'messages/text'),
		'https://api.example.com/workspaces/be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8/proxy/api/sessions/my-session/messages/text',
	);
	assert.throws(() => connectionFrom({ ...settings, baseUrl: 'api.example.com' }), /Base URL: is not an absolute URL/);
	assert.throws(() => connectionFrom({ ...settings, workspaceId: 'ws-1' }), /Workspace ID/);
	assert.throws(() => connectionFrom({ ...settings, sessionId: 'my session' }), /Session ID/);
	assert.throws(() => connectionFrom({ ...settings, apiKey: 'sk_live_x' }), /API Key: must start with wsk_/);
});

test('the key check reads each answer the way the contract documents it', async () => {
	const connection = connectionFrom(settings);
	const answers: Array<[Answer, 'OK' | 'Error', RegExp]> = [
		[{ statusCode: 400, body: { statusCode: 400, message: ['text should not be empty'] } }, 'OK', /nothing was sent/],
		[{ statusCode: 401, body: { statusCode: 401, message: 'Invalid or expired API key' } }, 'Error', /refused: Invalid or expired/],
		[{ statusCode: 403, body: { message: 'API key missing required permission: messages:send' } }, 'Error', /permission/],
		[{ statusCode: 404, body: { statusCode: 404, message: 'Session not found' } }, 'Error', /Session not found/],
		[{ statusCode: 404, body: '' }, 'Error', /check the base URL/],
		[{ statusCode: 404, body: '404 page not found' }, 'Error', /check the base URL/],
		[{ statusCode: 404, body: { message: 'no Route matched with those values' } }, 'Error', /check the base URL/],
		[
			{ statusCode: 404, body: { statusCode: 404, message: 'Cannot POST /v1/workspaces/x/messages/text', error: 'Not Found' } },
			'Error',
			/check the base URL/,
		],
		[{ statusCode: 400, body: { error: 'INVALID_SESSION_ID' } }, 'Error', /session ID/],
		[{ statusCode: 429, body: { retryAfter: 3 } }, 'OK', /rate limit/],
		[{ statusCode: 201, body: { messageId: 'X' } }, 'Error', /not a WaSphere server/],
	];
	for (const [answer, status, message] of answers) {
		let sent: { url: string; headers: Record<string, string>; body: object } | undefined;
		const result = await checkKey(connection, async (url, headers, body) => {
			sent = { url, headers, body };
			return answer;
		});
		assert.equal(result.status, status, `${answer.statusCode}: ${result.message}`);
		assert.match(result.message, message);
		assert.ok(!result.message.includes('wsk_live_secret'), 'the key leaked into the message');
		assert.deepEqual(sent?.body, {});
		assert.equal(sent?.headers.Authorization, 'Bearer wsk_live_secret');
	}
	const unreachable = await checkKey(connection, async () => {
		throw new Error('connect ECONNREFUSED');
	});
	assert.deepEqual(unreachable, { status: 'Error', message: 'Could not reach https://api.example.com: connect ECONNREFUSED' });
});
