/**
 * One request to the API, paced at the key's window, with a 429 waited out for as long
 * as its Retry-After says (then asked again, once the window has room), and any other
 * failure turned into a NodeApiError carrying the server's own messages.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { serverMessage } from './connection';
import type { SlidingWindow } from './pacing';

export interface ApiRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject;
	qs?: IDataObject;
}

export interface Pacing {
	window: SlidingWindow;
	/** The longest total wait for 429s on one item before it fails. */
	maxWaitMs: number;
	timeoutMs: number;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** What to do about each status the server documents (contract section 2). */
function advice(status: number): string {
	switch (status) {
		case 400:
			return 'The server refused the body: read its messages below.';
		case 401:
			return 'The API key is missing, malformed, expired or revoked: check the credential.';
		case 403:
			return 'The key lacks the messages:send permission, or is bound to another session.';
		case 404:
			return 'Check the workspace and session in the credential.';
		case 413:
			return 'The body is over 10 MiB: send media as a URL rather than a data URI. Nothing was sent.';
		case 422:
			return 'The recipient is not on WhatsApp, or the media URL could not be fetched.';
		case 429:
			return 'The key\'s rate limit is reached: lower "Requests per Window" or raise "Max Wait on 429".';
		case 500:
			return 'The session is not connected: reconnect it from the dashboard. Nothing was sent.';
		case 501:
			return "The session's provider (e.g. the Meta Cloud API) cannot send this type or do this operation.";
		case 502:
		case 504:
			return 'The gateway timed out: the message may have been sent. Check before sending it again.';
		default:
			return '';
	}
}

/** Seconds from a Retry-After header or the body's `retryAfter`, at least 1. */
export function retryAfterSeconds(headers: Record<string, unknown>, body: unknown): number {
	const header = headers['retry-after'];
	const fromHeader = Number(Array.isArray(header) ? header[0] : header);
	if (Number.isFinite(fromHeader) && fromHeader > 0) return Math.ceil(fromHeader);
	const fromBody = Number((body as { retryAfter?: unknown } | null)?.retryAfter);
	if (Number.isFinite(fromBody) && fromBody > 0) return Math.ceil(fromBody);
	return 1;
}

/** The NodeApiError for an answer that is not a success. */
export function apiError(
	context: IExecuteFunctions,
	status: number,
	body: unknown,
	itemIndex: number,
): NodeApiError {
	const said = serverMessage(body);
	const messages =
		body !== null && typeof body === 'object' && Array.isArray((body as IDataObject).message)
			? ((body as IDataObject).message as unknown[]).map(String)
			: [];
	const description = [advice(status), ...messages.map((m) => `- ${m}`)].filter((l) => l !== '').join('\n');
	const response: JsonObject =
		body !== null && typeof body === 'object' ? (body as JsonObject) : { body: String(body ?? '') };
	return new NodeApiError(context.getNode(), response, {
		message: `WaSphere answered ${status}${said ? `: ${said}` : ''}`,
		description,
		httpCode: String(status),
		itemIndex,
	});
}

/** Sends one request; returns the success body (an object) or throws a NodeApiError. */
export async function send(
	context: IExecuteFunctions,
	request: ApiRequest,
	pacing: Pacing,
	itemIndex: number,
): Promise<IDataObject> {
	let waitedMs = 0;
	for (;;) {
		const slot = await pacing.window.acquire();
		let response: FullResponse;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(context, 'waSphereApi', {
				method: request.method,
				url: request.url,
				body: request.body,
				qs: request.qs,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: pacing.timeoutMs,
			})) as FullResponse;
		} catch (error) {
			slot.done();
			const reason = error instanceof Error ? error.message : String(error);
			throw new NodeApiError(
				context.getNode(),
				{ message: reason },
				{
					message: `Could not complete the request to ${new URL(request.url).origin}: ${reason}`,
					description:
						'If the request left this machine (a timeout rather than a refused connection), the message may have been sent: check before sending it again.',
					itemIndex,
				},
			);
		}
		slot.done();
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			const body = response.body;
			return body !== null && typeof body === 'object' && !Array.isArray(body)
				? (body as IDataObject)
				: { response: body as string };
		}
		if (status === 429) {
			const seconds = retryAfterSeconds(response.headers ?? {}, response.body);
			if (waitedMs + seconds * 1000 > pacing.maxWaitMs) {
				throw apiError(context, status, response.body, itemIndex);
			}
			// Asking before Retry-After has passed would only earn another 429.
			pacing.window.pauseFor(seconds * 1000);
			waitedMs += seconds * 1000;
			continue;
		}
		throw apiError(context, status, response.body, itemIndex);
	}
}
