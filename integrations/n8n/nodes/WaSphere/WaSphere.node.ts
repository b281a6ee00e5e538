import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { BodyInputError, bodyFromFields, bodyFromJson } from './body';
import { checkKey, type Connection, ConnectionSettingError, connectionFrom, sessionUrl } from './connection';
import {
	BODY_INPUT,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_REQUESTS_PER_WINDOW,
	DEFAULT_TIMEOUT_SECONDS,
	DEFAULT_WINDOW_SECONDS,
	JSON_BODY,
	OPTIONS,
	nodeProperties,
} from './description';
import { OPERATIONS } from './generated';
import type { OperationSpec } from './OperationSpec';
import { windowFor } from './pacing';
import { type Pacing, send } from './transport';
import { listViolations, violations } from './validation';

export class WaSphere implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WaSphere',
		name: 'waSphere',
		icon: 'file:../../icons/wasphere.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["resource"] + ": " + $parameter["operation"] }}',
		description: 'Send WhatsApp messages through the WaSphere API, checked before they are sent',
		defaults: { name: 'WaSphere' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'waSphereApi', required: true, testedBy: 'waSphereApiKey' }],
		properties: nodeProperties(),
	};

	methods = {
		credentialTest: {
			async waSphereApiKey(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				let connection: Connection;
				try {
					connection = connectionFrom(credential.data);
				} catch (error) {
					return { status: 'Error', message: (error as Error).message };
				}
				return await checkKey(connection, async (url, headers, body) => {
					const answer = (await this.helpers.request({
						method: 'POST',
						uri: url,
						headers,
						body,
						json: true,
						simple: false,
						resolveWithFullResponse: true,
						timeout: DEFAULT_TIMEOUT_SECONDS * 1000,
					})) as { statusCode: number; body: unknown };
					return { statusCode: answer.statusCode, body: answer.body };
				});
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const value = this.getNodeParameter('operation', 0) as string;
		const operation = OPERATIONS.find((o) => o.resource === resource && o.value === value);
		if (operation === undefined) {
			throw new NodeOperationError(this.getNode(), `Unknown operation "${resource}: ${value}"`);
		}
		let connection: Connection;
		try {
			connection = connectionFrom(await this.getCredentials('waSphereApi'));
		} catch (error) {
			if (error instanceof ConnectionSettingError) {
				throw new NodeOperationError(this.getNode(), `WaSphere API credential: ${error.message}`);
			}
			throw error;
		}

		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			let body: Record<string, unknown> = {};
			try {
				body = itemBody(this, operation, itemIndex);
				const found = violations(operation, body);
				if (found.length > 0) {
					const first = found[0];
					throw new NodeOperationError(
						this.getNode(),
						`Invalid ${operation.name.toLowerCase()} body, not sent: ${first.path} ${first.message}`,
						{ itemIndex, description: listViolations(found) },
					);
				}
				const answer = await send(
					this,
					request(connection, operation, body, this, itemIndex),
					pacing(this, connection, itemIndex),
					itemIndex,
				);
				out.push({
					json: { ...answer, to: body.to as string, type: operation.value },
					pairedItem: { item: itemIndex },
				});
			} catch (error) {
				const failure = asNodeError(this, error, itemIndex);
				if (this.continueOnFail()) {
					out.push({
						json: failureJson(failure, body),
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw failure;
			}
		}
		return [out];
	}
}

/** The item's body, from the fields or from the JSON parameter. */
function itemBody(context: IExecuteFunctions, operation: OperationSpec, itemIndex: number): Record<string, unknown> {
	const input = context.getNodeParameter(BODY_INPUT, itemIndex, 'fields') as string;
	if (input === 'json') {
		return bodyFromJson(context.getNodeParameter(JSON_BODY, itemIndex));
	}
	return bodyFromFields(operation, (name) => context.getNodeParameter(name, itemIndex, undefined));
}

/** The URL and payload: path parameters fill the path, the rest is the body or query. */
function request(
	connection: Connection,
	operation: OperationSpec,
	body: Record<string, unknown>,
	context: IExecuteFunctions,
	itemIndex: number,
) {
	let path = operation.path;
	for (const name of operation.pathParameters) {
		const part = String(context.getNodeParameter(name, itemIndex, '') ?? '');
		path = path.replace(`{${name}}`, encodeURIComponent(part));
	}
	const url = sessionUrl(connection, path);
	const method = operation.method;
	return operation.placement === 'query'
		? { method, url, qs: body as IDataObject }
		: { method, url, body: body as IDataObject };
}

function pacing(context: IExecuteFunctions, connection: Connection, itemIndex: number): Pacing {
	const options = context.getNodeParameter(OPTIONS, itemIndex, {}) as IDataObject;
	const number = (name: string, fallback: number) => {
		const n = Number(options[name] ?? fallback);
		return Number.isFinite(n) && n >= 0 ? n : fallback;
	};
	const limit = Math.max(1, Math.floor(number('requestsPerWindow', DEFAULT_REQUESTS_PER_WINDOW)));
	const windowMs = Math.max(1, number('windowSeconds', DEFAULT_WINDOW_SECONDS)) * 1000;
	return {
		window: windowFor(connection.baseUrl, connection.apiKey, limit, windowMs),
		maxWaitMs: number('maxWaitSeconds', DEFAULT_MAX_WAIT_SECONDS) * 1000,
		timeoutMs: Math.max(1, number('timeoutSeconds', DEFAULT_TIMEOUT_SECONDS)) * 1000,
	};
}

function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof BodyInputError) {
		return new NodeOperationError(context.getNode(), error.message, { itemIndex });
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** An item of the error output: what failed, and for whom. Only `error`, `message` and
 * `details` at the top: n8n routes such an item to the error output (and merges the
 * input item into it) when the node's "On Error" is "Continue (using error output)". */
function failureJson(failure: NodeApiError | NodeOperationError, body: Record<string, unknown>): IDataObject {
	const details: IDataObject = {};
	if (failure.description) details.description = failure.description;
	if (failure instanceof NodeApiError && failure.httpCode) details.httpCode = failure.httpCode;
	if (typeof body.to === 'string') details.to = body.to;
	return { error: failure.message, details };
}
