import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { itemsOf } from '../nodes/WaSphereTrigger/events';

const envelope = (event: string, data: IDataObject | IDataObject[]): IDataObject => ({
	event,
	sessionId: 'my-session',
	timestamp: '2026-11-24T10:00:00Z',
	deliveryId: '0123456789abcdef0123456789abcdef',
	data,
});

test('a button tap carries its selection', () => {
	const [item] = itemsOf(
		envelope('message.received', {
			messageId: 'IN1',
			from: '923001234567@s.whatsapp.net',
			type: 'conversation',
			content: { text: 'Option B', selectionId: 'btn2', interactiveKind: 'button_reply' },
		}),
		true,
	);
	assert.deepEqual(item.reply, { kind: 'button_reply', id: 'btn2', text: 'Option B' });
	assert.equal(item.from, '923001234567@s.whatsapp.net');
	assert.equal(item.messageId, 'IN1');
});

test('a list pick carries its row and description; a poll vote its options', () => {
	const [list] = itemsOf(
		envelope('message.received', {
			type: 'conversation',
			content: { text: 'Pro', selectionId: 'pro', interactiveKind: 'list_reply', selectionDescription: 'Full access' },
		}),
		false,
	);
	assert.deepEqual(list.reply, { kind: 'list_reply', id: 'pro', text: 'Pro', description: 'Full access' });
	const [vote] = itemsOf(
		envelope('message.received', {
			type: 'poll_vote',
			content: { pollMessageId: 'P1', pollName: 'Question?', selectedOptions: ['Maybe'], text: 'Maybe' },
		}),
		true,
	);
	assert.deepEqual(vote.vote, { pollMessageId: 'P1', pollName: 'Question?', selectedOptions: ['Maybe'] });
});

test('plain messages are dropped when only interactive replies are wanted', () => {
	const plain = envelope('message.received', { type: 'conversation', content: { text: 'hello' } });
	assert.equal(itemsOf(plain, true).length, 0);
	assert.equal(itemsOf(plain, false)[0].text, 'hello');
});

test('messages.update becomes one item per message with a status name', () => {
	const items = itemsOf(
		envelope('messages.update', [
			{ key: { id: 'M1', remoteJid: '923001234567@s.whatsapp.net', fromMe: true }, update: { status: 3 } },
			{ messageId: 'M2', status: 4 },
		]),
		false,
	);
	assert.deepEqual(
		items.map((i) => [i.messageId, i.status]),
		[
			['M1', 'delivered'],
			['M2', 'read'],
		],
	);
});

test('unknown events are kept as they came', () => {
	const [item] = itemsOf(envelope('session.renamed', { name: 'x' }), false);
	assert.deepEqual(item.data, { name: 'x' });
	assert.equal(item.event, 'session.renamed');
});
