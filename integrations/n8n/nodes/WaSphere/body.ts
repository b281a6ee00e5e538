/**
 * The request body of an item, from the generated fields the user filled (or from a
 * JSON body). The fields describe themselves: a field's name is the wire name, the
 * `additionalFields` collection holds optional properties, and a fixed collection
 * wraps its entries under one group name. Nothing here knows a message type.
 */
import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import type { OperationSpec } from './OperationSpec';

/** Reads a node parameter for the current item; `undefined` when it is not set. */
export type ReadParameter = (name: string) => unknown;

/** The name of the collection of optional properties (see xtask/src/n8n/fields.rs). */
export const ADDITIONAL_FIELDS = 'additionalFields';

/** A body that is not what the node can send, before any schema rule. */
export class BodyInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BodyInputError';
	}
}

/** The body from the operation's fields. Path parameters are left out. */
export function bodyFromFields(operation: OperationSpec, read: ReadParameter): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	for (const field of operation.fields) {
		if (operation.pathParameters.includes(field.name)) continue;
		const value = read(field.name);
		if (field.name === ADDITIONAL_FIELDS && field.type === 'collection') {
			const chosen = (value ?? {}) as Record<string, unknown>;
			for (const option of (field.options ?? []) as INodeProperties[]) {
				if (!(option.name in chosen)) continue;
				const converted = convert(option, chosen[option.name]);
				// An optional field added and left empty means "not set".
				if (converted !== '' && converted !== undefined && converted !== null) {
					body[option.name] = converted;
				}
			}
		} else {
			body[field.name] = convert(field, value ?? field.default);
		}
	}
	return body;
}

/** The body from a JSON parameter: a JSON object, as text or already parsed. */
export function bodyFromJson(value: unknown): Record<string, unknown> {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			throw new BodyInputError(`Body (JSON) is not valid JSON: ${reason}`);
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new BodyInputError('Body (JSON) must be a JSON object, like {"to": "923001234567", …}');
	}
	return parsed as Record<string, unknown>;
}

/** A field's value in the body's terms. Spreadsheet numbers become strings where the
 * schema wants text (a phone number read as 923001234567), and numeric text becomes a
 * number where it wants a number; anything else is left for the schema to judge. */
function convert(field: INodeProperties, value: unknown): unknown {
	switch (field.type) {
		case 'fixedCollection':
			return entries(field, value);
		case 'string':
			if (field.typeOptions?.multipleValues) {
				const list = Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value];
				return list.map(asText);
			}
			return asText(value);
		case 'number':
			if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
				return Number(value);
			}
			return value;
		case 'boolean':
			if (value === 'true') return true;
			if (value === 'false') return false;
			return value;
		default:
			return value;
	}
}

function asText(value: unknown): unknown {
	return typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
}

/** `{button: [{id, text}, …]}` → `[{id, text}, …]`, each entry converted by its fields. */
function entries(field: INodeProperties, value: unknown): unknown[] {
	const group = ((field.options ?? []) as INodePropertyCollection[])[0];
	if (group === undefined) return [];
	const wrapped = ((value ?? {}) as Record<string, unknown>)[group.name];
	const list = Array.isArray(wrapped) ? wrapped : wrapped === undefined ? [] : [wrapped];
	return list.map((entry) => {
		const given = (entry ?? {}) as Record<string, unknown>;
		const out: Record<string, unknown> = {};
		for (const inner of group.values) {
			if (!(inner.name in given)) continue;
			const converted = convert(inner, given[inner.name]);
			if (converted === '' && !inner.required) continue;
			out[inner.name] = converted;
		}
		return out;
	});
}
