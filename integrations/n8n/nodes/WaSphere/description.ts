/**
 * The node's parameters: resource, operation, how the body is given, the generated
 * fields of every operation (each shown only for its operation), and the pacing options.
 */
import type { INodeProperties } from 'n8n-workflow';

import { OPERATIONS, RESOURCES } from './generated';

/** How the body of each item is given. */
export const BODY_INPUT = 'bodyInput';
export const JSON_BODY = 'jsonBody';
// Not `options`: a body may have a field named so (a poll's options).
export const OPTIONS = 'requestOptions';

/** The documented limit: 60 requests per minute per key. */
export const DEFAULT_REQUESTS_PER_WINDOW = 60;
export const DEFAULT_WINDOW_SECONDS = 60;
export const DEFAULT_MAX_WAIT_SECONDS = 300;
export const DEFAULT_TIMEOUT_SECONDS = 30;

function resourceParameter(): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: RESOURCES.map((r) => ({ name: r.name, value: r.value, description: r.description })),
		default: RESOURCES[0].value,
	};
}

function operationParameters(): INodeProperties[] {
	return RESOURCES.map((resource) => {
		const operations = OPERATIONS.filter((o) => o.resource === resource.value);
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: operations.map((o) => ({
				name: o.name,
				value: o.value,
				action: o.action,
				description: o.description,
			})),
			default: operations[0].value,
		};
	});
}

const bodyInput: INodeProperties = {
	displayName: 'Body',
	name: BODY_INPUT,
	type: 'options',
	options: [
		{
			name: 'Fields Below',
			value: 'fields',
			description: 'Fill in each field; expressions like {{ $json.phoneNumber }} read the item',
		},
		{
			name: 'JSON',
			value: 'json',
			description: 'The whole body as JSON, for example built by an earlier node',
		},
	],
	default: 'fields',
};

const jsonBody: INodeProperties = {
	displayName: 'Body (JSON)',
	name: JSON_BODY,
	type: 'json',
	default: '{\n  "to": "923001234567"\n}',
	displayOptions: { show: { [BODY_INPUT]: ['json'] } },
	description:
		"The request body, checked against the operation's JSON Schema before it is sent: a misspelt or missing field fails the item, naming the field",
};

function generatedFields(): INodeProperties[] {
	return OPERATIONS.flatMap((operation) =>
		operation.fields.map((field) => {
			const pathParameter = operation.pathParameters.includes(field.name);
			const show: Record<string, string[]> = {
				resource: [operation.resource],
				operation: [operation.value],
			};
			// Path parameters are not part of the body: they are asked in both modes.
			if (!pathParameter) show[BODY_INPUT] = ['fields'];
			return { ...field, displayOptions: { show } };
		}),
	);
}

const options: INodeProperties = {
	displayName: 'Options',
	name: OPTIONS,
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Requests per Window',
			name: 'requestsPerWindow',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: DEFAULT_REQUESTS_PER_WINDOW,
			description:
				"How many requests the key may make in one window (the documented limit is 60 per minute). Items wait for room, so a run never trips the server's limit.",
		},
		{
			displayName: 'Window (Seconds)',
			name: 'windowSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_WINDOW_SECONDS,
			description: 'The length of the sliding window the server counts requests in',
		},
		{
			displayName: 'Max Wait on 429 (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_MAX_WAIT_SECONDS,
			description:
				'When the server still answers 429 (another client uses the key), each item waits as long as Retry-After says, up to this much in all, then fails',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_SECONDS,
			description: 'How long to wait for each answer',
		},
	],
};

/** Every parameter of the node, in the order the editor shows them. */
export function nodeProperties(): INodeProperties[] {
	return [
		resourceParameter(),
		...operationParameters(),
		bodyInput,
		jsonBody,
		...generatedFields(),
		options,
	];
}
