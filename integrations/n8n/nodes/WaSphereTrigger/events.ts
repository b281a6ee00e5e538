/**
 * A verified webhook delivery as workflow items: the envelope's fields plus, where the
 * event carries one, the typed part a workflow acts on (the button or row picked, the
 * poll vote, a delivery status). Unknown events and fields are kept, never refused.
 */
import type { IDataObject } from 'n8n-workflow';

/** The events a delivery can carry (contract section 5), for the trigger's filter. */
export const EVENTS: Array<{ name: string; value: string; description: string }> = [
	{ name: 'Message Received', value: 'message.received', description: 'An incoming message, including button taps, list picks and poll votes' },
	{ name: 'Poll Vote', value: 'poll.vote', description: 'A vote in a poll you sent' },
	{ name: 'Message Sent', value: 'message.sent', description: 'A message you sent left the server' },
	{ name: 'Messages Update', value: 'messages.update', description: 'Delivery progress: sent, delivered, read, played (one item per message)' },
	{ name: 'Message Receipt', value: 'message.receipt', description: 'Read receipts in groups' },
	{ name: 'Message Delivered', value: 'message.delivered', description: 'Subscribable; not emitted by today\'s server' },
	{ name: 'Message Read', value: 'message.read', description: 'Subscribable; not emitted by today\'s server' },
	{ name: 'Message Failed', value: 'message.failed', description: 'Subscribable; not emitted by today\'s server' },
	{ name: 'Session Connected', value: 'session.connected', description: 'The WhatsApp session connected' },
	{ name: 'Session Disconnected', value: 'session.disconnected', description: 'The WhatsApp session disconnected' },
	{ name: 'Session QR', value: 'session.qr', description: 'A QR code to pair the session' },
	{ name: 'Session Failed', value: 'session.failed', description: 'The session failed' },
	{ name: 'Webhook Test', value: 'webhook.test', description: 'A test delivery from the dashboard' },
];

/** The `status` numbers of `messages.update` (contract section 5). */
const STATUS_NAMES: Record<number, string> = {
	0: 'error',
	1: 'pending',
	2: 'sent',
	3: 'delivered',
	4: 'read',
	5: 'played',
};

function object(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** The typed items of one delivery; `interactiveOnly` keeps button, list and poll replies. */
export function itemsOf(envelope: IDataObject, interactiveOnly: boolean): IDataObject[] {
	const base: IDataObject = {
		event: envelope.event,
		sessionId: envelope.sessionId,
		timestamp: envelope.timestamp,
		deliveryId: envelope.deliveryId,
	};
	const event = String(envelope.event ?? '');
	const data = envelope.data;
	let items: IDataObject[];
	if (event === 'message.received' || event === 'poll.vote') {
		items = [received(base, object(data))];
	} else if (event === 'messages.update' && Array.isArray(data)) {
		items = data.map((entry) => statusUpdate(base, object(entry)));
	} else if (event.startsWith('message.') && !Array.isArray(data)) {
		const d = object(data);
		items = [{ ...base, messageId: d.messageId, to: d.to, type: d.type, status: event.slice('message.'.length), data: d }];
	} else {
		items = [{ ...base, data: data as IDataObject }];
	}
	return interactiveOnly ? items.filter((i) => i.reply !== undefined || i.vote !== undefined) : items;
}

function received(base: IDataObject, data: IDataObject): IDataObject {
	const content = object(data.content);
	const item: IDataObject = {
		...base,
		messageId: data.messageId,
		from: data.from,
		sender: data.sender,
		isGroup: data.isGroup,
		type: data.type,
		text: content.text,
	};
	if (typeof content.selectionId === 'string') {
		item.reply = {
			kind: content.interactiveKind ?? 'reply',
			id: content.selectionId,
			text: content.text,
			...(content.selectionDescription !== undefined ? { description: content.selectionDescription } : {}),
		};
	}
	if (data.type === 'poll_vote' || Array.isArray(content.selectedOptions)) {
		item.vote = {
			pollMessageId: content.pollMessageId,
			pollName: content.pollName,
			selectedOptions: content.selectedOptions,
		};
	}
	item.content = content;
	item.data = data;
	return item;
}

function statusUpdate(base: IDataObject, entry: IDataObject): IDataObject {
	const key = object(entry.key);
	const code = Number(object(entry.update).status ?? entry.status);
	return {
		...base,
		messageId: key.id ?? entry.messageId,
		remoteJid: key.remoteJid,
		fromMe: key.fromMe,
		status: STATUS_NAMES[code] ?? String(code),
		statusCode: Number.isFinite(code) ? code : null,
		data: entry,
	};
}

/** What makes two deliveries the same event: `data.messageId` where there is one (the
 * delivery id is new for every retry), else the payload itself. */
export function eventKey(envelope: IDataObject, rawData: string): string {
	const id = object(envelope.data).messageId;
	return `${String(envelope.event)}\u0000${typeof id === 'string' ? id : rawData}`;
}
