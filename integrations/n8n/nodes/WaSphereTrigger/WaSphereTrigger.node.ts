import { createHash } from 'node:crypto';

import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { EVENTS, eventKey, itemsOf } from './events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './signature';

/** Event keys seen lately, per trigger node, so a retried delivery starts nothing twice. */
const recent = new Map<string, string[]>();
const RECENT_KEPT = 1000;

function seenBefore(scope: string, key: string): boolean {
	const keys = recent.get(scope) ?? [];
	if (keys.includes(key)) return true;
	keys.push(key);
	if (keys.length > RECENT_KEPT) keys.shift();
	recent.set(scope, keys);
	return false;
}

/** The bytes that were signed: n8n keeps them as `rawBody` when it parses a body. */
async function rawBodyOf(request: unknown): Promise<Buffer | undefined> {
	const r = request as { rawBody?: Buffer; readRawBody?: () => Promise<void> };
	if (r.rawBody === undefined && typeof r.readRawBody === 'function') await r.readRawBody();
	return r.rawBody;
}

function header(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value.join(' ') : value;
}

export class WaSphereTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WaSphere Trigger',
		name: 'waSphereTrigger',
		icon: 'file:../../icons/wasphere.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow on a signed WaSphere webhook: button and list replies, poll votes, delivery statuses',
		defaults: { name: 'WaSphere Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'waSphereWebhookApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'wasphere' }],
		properties: [
			{
				displayName:
					'Give WaSphere this node\'s production URL as the webhook URL, with the signing secret of the credential. Deliveries with a bad signature or a timestamp more than 5 minutes off are refused with 401.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENTS,
				default: ['message.received'],
				required: true,
				description: 'The events that start the workflow; other verified deliveries are acknowledged and dropped',
			},
			{
				displayName: 'Only Interactive Replies',
				name: 'interactiveOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to start only for button taps, list picks and poll votes',
			},
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		const refuse = (status: number, error: string): IWebhookResponseData => {
			response.status(status).json({ error });
			return { noWebhookResponse: true };
		};
		const raw = await rawBodyOf(this.getRequestObject());
		if (raw === undefined) return refuse(400, 'no body');
		const credentials = await this.getCredentials('waSphereWebhookApi');
		const secret = String(credentials.signingSecret ?? '');
		if (secret === '') return refuse(500, 'the WaSphere Webhook credential has no signing secret');
		const headers = this.getHeaderData();
		const verdict = verifySignature(
			secret,
			header(headers[TIMESTAMP_HEADER]),
			header(headers[SIGNATURE_HEADER]),
			raw,
			Math.floor(Date.now() / 1000),
		);
		if (!verdict.ok) return refuse(401, verdict.reason);

		let envelope: IDataObject;
		try {
			envelope = JSON.parse(raw.toString('utf8')) as IDataObject;
		} catch {
			return refuse(400, 'the signed body is not JSON');
		}
		const event = String(envelope.event ?? '');
		const wanted = this.getNodeParameter('events', []) as string[];
		if (!wanted.includes(event)) {
			return { webhookResponse: { received: true, started: false, reason: `event ${event} is not selected` } };
		}
		const scope = `${this.getWorkflow().id ?? ''}\u0000${this.getNode().name}`;
		const dataHash = createHash('sha256').update(JSON.stringify(envelope.data ?? null)).digest('hex');
		if (seenBefore(scope, eventKey(envelope, dataHash))) {
			return { webhookResponse: { received: true, started: false, reason: 'duplicate of an earlier delivery' } };
		}
		const interactiveOnly = this.getNodeParameter('interactiveOnly', false) as boolean;
		const items = itemsOf(envelope, interactiveOnly);
		if (items.length === 0) {
			return { webhookResponse: { received: true, started: false, reason: 'not an interactive reply' } };
		}
		return { workflowData: [items.map((json) => ({ json }))] };
	}
}
