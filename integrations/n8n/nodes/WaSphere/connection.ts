/**
 * Where the API is and who is calling: the settings of the `WaSphere API` credential,
 * checked, and the one request that tells whether they work without sending a message.
 */

/** The settings of a `waSphereApi` credential. */
export interface Connection {
	baseUrl: string;
	workspaceId: string;
	sessionId: string;
	apiKey: string;
}

// The contract's rules for the parts of the URL (section 1).
const WORKSPACE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SESSION = /^[a-zA-Z0-9_-]{1,64}$/;

/** A credential setting that cannot work, named by its field. */
export class ConnectionSettingError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(`${field}: ${message}`);
		this.name = 'ConnectionSettingError';
	}
}

/** The credential's settings, checked; throws {@link ConnectionSettingError}. */
export function connectionFrom(data: object | undefined): Connection {
	const fields = (data ?? {}) as Record<string, unknown>;
	const text = (field: string): string => {
		const value = fields[field];
		return typeof value === 'string' ? value.trim() : '';
	};
	const baseUrl = text('baseUrl').replace(/\/+$/, '');
	let parsed: URL;
	try {
		parsed = new URL(baseUrl);
	} catch {
		throw new ConnectionSettingError(
			'Base URL',
			'is not an absolute URL such as https://api.yourdomain.com',
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new ConnectionSettingError('Base URL', `must be http(s), not ${parsed.protocol}`);
	}
	const workspaceId = text('workspaceId');
	if (!WORKSPACE.test(workspaceId)) {
		throw new ConnectionSettingError(
			'Workspace ID',
			'must be the UUID from the dashboard URL, e.g. be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8',
		);
	}
	const sessionId = text('sessionId');
	if (!SESSION.test(sessionId)) {
		throw new ConnectionSettingError(
			'Session ID',
			'must be 1 to 64 letters, digits, "_" or "-", e.g. my-session',
		);
	}
	const apiKey = text('apiKey');
	if (!apiKey.startsWith('wsk_')) {
		throw new ConnectionSettingError('API Key', 'must start with wsk_ (e.g. wsk_live_…)');
	}
	return { baseUrl, workspaceId, sessionId, apiKey };
}

/** The URL of `path` (relative to the session) for this connection. */
export function sessionUrl(connection: Connection, path: string): string {
	return (
		`${connection.baseUrl}/workspaces/${encodeURIComponent(connection.workspaceId)}` +
		`/proxy/api/sessions/${encodeURIComponent(connection.sessionId)}/${path}`
	);
}

/** What a POST answered: its status and its body, parsed when it was JSON. */
export interface Answer {
	statusCode: number;
	body: unknown;
}

/** Sends a JSON POST and returns the answer whatever its status. */
export type Post = (url: string, headers: Record<string, string>, body: object) => Promise<Answer>;

/** The outcome of {@link checkKey}, in the shape n8n's credential test wants. */
export interface KeyCheck {
	status: 'OK' | 'Error';
	message: string;
}

/** The server's message(s) in an error body, as one sentence. */
export function serverMessage(body: unknown): string {
	if (typeof body === 'string') return body.slice(0, 300);
	if (body === null || typeof body !== 'object') return '';
	const fields = body as Record<string, unknown>;
	const message = fields.message;
	if (Array.isArray(message)) return message.map(String).join('; ');
	if (typeof message === 'string' && message !== '') return message;
	if (typeof fields.error === 'string') return fields.error;
	return '';
}

/**
 * Checks the key, workspace and session without sending a message: an empty body to
 * the text endpoint passes the key guard (401/403), the rate limit (429) and the
 * session lookup (404) before the body is validated, so the validation 400 means that
 * everything but the body was accepted. It counts as one request on the key's limit.
 *
 * One function on purpose: `wasphere doctor` does the same check, and the two should
 * say the same things.
 */
export async function checkKey(connection: Connection, post: Post): Promise<KeyCheck> {
	const url = sessionUrl(connection, 'messages/text');
	let answer: Answer;
	try {
		answer = await post(url, { Authorization: `Bearer ${connection.apiKey}` }, {});
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return { status: 'Error', message: `Could not reach ${connection.baseUrl}: ${reason}` };
	}
	const said = serverMessage(answer.body);
	const body = (answer.body ?? {}) as Record<string, unknown>;
	switch (answer.statusCode) {
		case 400:
			if (body.error === 'INVALID_SESSION_ID') {
				return { status: 'Error', message: 'The server refused the session ID as malformed' };
			}
			if (Array.isArray(body.message)) {
				return {
					status: 'OK',
					message:
						'The key, workspace and session were accepted (checked with an empty body: nothing was sent)',
				};
			}
			break;
		case 401:
			return { status: 'Error', message: `The API key was refused: ${said || 'invalid or expired'}` };
		case 403:
			return {
				status: 'Error',
				message: `The API key lacks the messages:send permission or is bound to another session: ${said}`,
			};
		case 404:
			// The server's own 404 is `{"statusCode":404,"message":…}`; a proxy's bare 404, another
			// server's page, or NestJS's `Cannot POST /path` (a wrong path prefix) is not about the
			// session. The same rule as wasphere-client's, so `wasphere doctor` says the same.
			if (body.statusCode !== 404 || said === '' || /^Cannot (POST|GET) /.test(said)) {
				return {
					status: 'Error',
					message: `Nothing answered as WaSphere at ${connection.baseUrl}: check the base URL`,
				};
			}
			return { status: 'Error', message: `Workspace or session not found: ${said}` };
		case 429:
			return {
				status: 'OK',
				message: 'The key was accepted, but its rate limit is reached right now',
			};
	}
	if (answer.statusCode >= 200 && answer.statusCode < 300) {
		return {
			status: 'Error',
			message: `The server accepted an empty text message (${answer.statusCode}): this is not a WaSphere server as documented`,
		};
	}
	return {
		status: 'Error',
		message: `Unexpected answer ${answer.statusCode}${said ? `: ${said}` : ''}`,
	};
}
