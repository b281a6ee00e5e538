import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { bodyFromFields, bodyFromJson, BodyInputError } from '../nodes/WaSphere/body';
import { OPERATIONS } from '../nodes/WaSphere/generated';

const root = join(__dirname, '..', '..');
const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const documented = read('prove/documented-bodies.json') as Record<string, unknown>;
const workflow = read('workflows/every-message-type.json') as {
	nodes: Array<{ type: string; parameters: Record<string, unknown> }>;
};

test('the parameters of the every-type workflow give back the documented bodies', () => {
	// xtask turned each documented body into parameters; the node turns them back.
	const nodes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-wasphere.waSphere');
	assert.equal(nodes.length, 14);
	for (const node of nodes) {
		const operation = OPERATIONS.find((o) => o.value === node.parameters.operation);
		assert.ok(operation);
		const body = bodyFromFields(operation, (name) => node.parameters[name]);
		const slug = operation.path.replace('messages/', '');
		assert.deepEqual(body, documented[slug], slug);
	}
});

test('numbers from a sheet become text where the schema wants text, and back', () => {
	const text = OPERATIONS.find((o) => o.value === 'text')!;
	const params: Record<string, unknown> = { to: 923001234567, text: 'hi', additionalFields: { quotedId: '' } };
	assert.deepEqual(bodyFromFields(text, (n) => params[n]), { to: '923001234567', text: 'hi' });

	const location = OPERATIONS.find((o) => o.value === 'location')!;
	const where: Record<string, unknown> = { to: '923001234567', latitude: '33.6844', longitude: 73.0479 };
	assert.deepEqual(bodyFromFields(location, (n) => where[n]), {
		to: '923001234567',
		latitude: 33.6844,
		longitude: 73.0479,
	});
});

test('a required list left empty is sent empty, for the schema to name', () => {
	const buttons = OPERATIONS.find((o) => o.value === 'buttons')!;
	const params: Record<string, unknown> = { to: '923001234567', text: 'Choose:', footer: 'x' };
	assert.deepEqual(bodyFromFields(buttons, (n) => params[n]).buttons, []);
});

test('a JSON body must be a JSON object', () => {
	assert.deepEqual(bodyFromJson('{"to":"1"}'), { to: '1' });
	assert.deepEqual(bodyFromJson({ to: '1' }), { to: '1' });
	assert.throws(() => bodyFromJson('{"to":'), BodyInputError);
	assert.throws(() => bodyFromJson('[1]'), /must be a JSON object/);
});

test('a delete sends its query without the message id of its path, for everyone', () => {
	const remove = OPERATIONS.find((o) => o.resource === 'message' && o.value === 'delete')!;
	const params: Record<string, unknown> = { messageId: '3EB0C767D097B7C7A5C1', to: 923001234567 };
	assert.deepEqual(bodyFromFields(remove, (n) => params[n]), { to: '923001234567', forEveryone: true });
	const read = OPERATIONS.find((o) => o.value === 'markRead')!;
	const ids: Record<string, unknown> = { to: '923001234567', messageIds: ['3EB0C767D097B7C7A5C1'] };
	assert.deepEqual(bodyFromFields(read, (n) => ids[n]), ids);
});
