import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { OPERATIONS } from '../nodes/WaSphere/generated';
import type { OperationSpec } from '../nodes/WaSphere/OperationSpec';
import { closest, fieldPath, violations } from '../nodes/WaSphere/validation';

// Compiled to dist/test/: the package root is two levels up.
const root = join(__dirname, '..', '..');
const documented = JSON.parse(readFileSync(join(root, 'prove', 'documented-bodies.json'), 'utf8')) as Record<
	string,
	Record<string, unknown>
>;

function operation(slug: string): OperationSpec {
	const found = OPERATIONS.find((o) => o.path === `messages/${slug}`);
	assert.ok(found, `no operation for ${slug}`);
	return found;
}

test('every documented body is valid for its operation', () => {
	assert.equal(Object.keys(documented).length, 14);
	for (const [slug, body] of Object.entries(documented)) {
		assert.deepEqual(violations(operation(slug), body), [], slug);
	}
});

test('a misspelt field is named, with the field it probably meant', () => {
	const body = { ...documented.document, filename: 'report.pdf' };
	delete (body as Record<string, unknown>).fileName;
	const found = violations(operation('document'), body);
	const unknown = found[0];
	assert.equal(unknown.rule, 'unknown field', JSON.stringify(found));
	assert.equal(unknown.path, 'filename');
	assert.match(unknown.message, /did you mean "fileName"/);
	assert.ok(found.some((v) => v.path === 'fileName' && v.rule === 'required'));
});

test('nested paths, limits and formats read like the Rust validator', () => {
	const list = structuredClone(documented.list) as { sections: Array<{ rows: Array<{ title: string }> }> };
	list.sections[0].rows[1].title = 'x'.repeat(25);
	const [tooLong] = violations(operation('list'), list);
	assert.equal(tooLong.path, 'sections[0].rows[1].title');
	assert.match(tooLong.message, /at most 24 characters \(it has 25\)/);

	const buttons = { ...documented.buttons, buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, text: 'x' })) };
	assert.deepEqual(
		violations(operation('buttons'), buttons).map((v) => [v.path, v.rule]),
		[['buttons', 'maxItems']],
	);

	const plus = violations(operation('text'), { to: '+923001234567', text: 'hi' });
	assert.deepEqual(plus.map((v) => [v.path, v.rule]), [['to', 'pattern']]);

	const latitude = violations(operation('location'), { ...documented.location, latitude: '33.6' });
	assert.deepEqual(latitude.map((v) => [v.path, v.rule]), [['latitude', 'type']]);
});

test('lengths count code points, as the server does for emoji', () => {
	// 👍 is one code point and two UTF-16 units: eight of them fit an 8-character emoji.
	const ok = violations(operation('reaction'), { ...documented.reaction, emoji: '👍'.repeat(8) });
	assert.deepEqual(ok, []);
	const over = violations(operation('reaction'), { ...documented.reaction, emoji: '👍'.repeat(9) });
	assert.deepEqual(over.map((v) => v.path), ['emoji']);
});

test('paths and guesses', () => {
	assert.equal(fieldPath('/sections/0/rows/1', 'id'), 'sections[0].rows[1].id');
	assert.equal(fieldPath(''), 'body');
	assert.equal(closest('phone', ['displayName', 'phoneNumber', 'to']), undefined);
	assert.equal(closest('displayname', ['displayName', 'phoneNumber']), 'displayName');
	assert.equal(closest('captoin', ['caption', 'url', 'to']), 'caption');
});

test('the operations on messages are checked by their own schemas', () => {
	const find = (resource: string, value: string) => {
		const found = OPERATIONS.find((o) => o.resource === resource && o.value === value);
		assert.ok(found, `no ${resource}: ${value}`);
		return found;
	};
	const remove = find('message', 'delete');
	assert.equal(remove.placement, 'query');
	assert.equal(remove.method, 'DELETE');
	assert.deepEqual(violations(remove, { to: '923001234567', forEveryone: true }), []);
	// Deleting "for me" is not offered: the server would delete for everyone.
	const forMe = violations(remove, { to: '923001234567', forEveryone: false });
	assert.deepEqual([...new Set(forMe.map((v) => v.path))], ['forEveryone']);

	const read = find('message', 'markRead');
	assert.deepEqual(
		violations(read, { to: '923001234567', messageIds: [] }).map((v) => [v.path, v.rule]),
		[['messageIds', 'minItems']],
	);
	const presence = find('chat', 'presence');
	assert.ok(violations(presence, { to: '923001234567', presence: 'online' }).some((v) => v.path === 'presence'));
	assert.deepEqual(violations(presence, { to: '923001234567', presence: 'paused' }), []);
	const edit = find('message', 'edit');
	assert.deepEqual(edit.pathParameters, ['messageId']);
	assert.deepEqual(violations(edit, { to: '923001234567', text: 'Tuesday' }), []);
});
