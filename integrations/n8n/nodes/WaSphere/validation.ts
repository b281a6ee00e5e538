/**
 * Every item's body is checked against the operation's JSON Schema (the one exported by
 * wasphere-types to docs/schemas/) before it is sent, so a wrong field fails that item
 * with the field's path and the rule, not with a 400 in the middle of a run.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';

import type { JsonSchema, OperationSpec } from './OperationSpec';

/** One broken rule: where (`buttons[0].id`), which rule, and a sentence for people. */
export interface Violation {
	path: string;
	rule: string;
	message: string;
}

// Formats in these schemas (`double`, `int64`, `uint16`) describe Rust types, not
// string formats to check; `strict: false` lets `examples` and them pass.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false, verbose: true });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
	let validate = compiled.get(schema);
	if (validate === undefined) {
		validate = ajv.compile(schema);
		compiled.set(schema, validate);
	}
	return validate;
}

/** Every violation of the operation's schema by `body`; empty when it is valid. */
export function violations(operation: OperationSpec, body: unknown): Violation[] {
	const validate = validatorFor(operation.schema);
	if (validate(body)) return [];
	const found = (validate.errors ?? []).map(describe);
	// ajv reports a failed `type: ["string","null"]` once per branch on some keywords:
	// one line per path and rule is enough.
	const seen = new Set<string>();
	const unique = found.filter((v) => {
		const key = `${v.path}\u0000${v.rule}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
	// A misspelt field also makes the real one "required": the misspelling is the cause,
	// so it is said first.
	return [...unique.filter((v) => v.rule === 'unknown field'), ...unique.filter((v) => v.rule !== 'unknown field')];
}

/** `/buttons/0/id` → `buttons[0].id`; the root is `body`. */
export function fieldPath(pointer: string, child?: string): string {
	const parts = pointer
		.split('/')
		.slice(1)
		.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
	if (child !== undefined) parts.push(child);
	let path = '';
	for (const part of parts) {
		if (/^\d+$/.test(part)) path += `[${part}]`;
		else path += path === '' ? part : `.${part}`;
	}
	return path === '' ? 'body' : path;
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

function describe(error: ErrorObject): Violation {
	const params = error.params as Record<string, unknown>;
	const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
	const at = (child?: string) => fieldPath(error.instancePath, child);
	switch (error.keyword) {
		case 'additionalProperties': {
			const name = String(params.additionalProperty);
			const known = Object.keys((parent.properties ?? {}) as object);
			const guess = closest(name, known);
			const hint = guess ? ` (did you mean "${guess}"?)` : '';
			return {
				path: at(name),
				rule: 'unknown field',
				message: `is not a field of this body${hint}; allowed here: ${known.join(', ')}`,
			};
		}
		case 'required':
			return {
				path: at(String(params.missingProperty)),
				rule: 'required',
				message: 'is required',
			};
		case 'type': {
			const types = String(params.type).split(',');
			return {
				path: at(),
				rule: 'type',
				message: `must be ${types.map((t) => (t === 'null' ? 'null' : `a ${t}`)).join(' or ')}, not ${kind(error.data)}`,
			};
		}
		case 'minLength':
			return {
				path: at(),
				rule: 'minLength',
				message:
					params.limit === 1
						? 'must not be empty'
						: `must be at least ${plural(Number(params.limit), 'character')}`,
			};
		case 'maxLength':
			return {
				path: at(),
				rule: 'maxLength',
				message: `must be at most ${plural(Number(params.limit), 'character')} (it has ${[...String(error.data)].length})`,
			};
		case 'pattern': {
			const what = typeof parent.description === 'string' ? `: ${parent.description}` : '';
			return {
				path: at(),
				rule: 'pattern',
				message: `${JSON.stringify(error.data)} is not in the expected form${what}`,
			};
		}
		case 'minimum':
		case 'maximum':
		case 'exclusiveMinimum':
		case 'exclusiveMaximum':
			return {
				path: at(),
				rule: error.keyword,
				message: `must be ${params.comparison} ${params.limit} (it is ${JSON.stringify(error.data)})`,
			};
		case 'minItems':
			return {
				path: at(),
				rule: 'minItems',
				message: `needs at least ${plural(Number(params.limit), 'entry', 'entries')}`,
			};
		case 'maxItems':
			return {
				path: at(),
				rule: 'maxItems',
				message: `takes at most ${plural(Number(params.limit), 'entry', 'entries')}`,
			};
		case 'uniqueItems':
			return {
				path: at(),
				rule: 'uniqueItems',
				message: `must not repeat an entry (entries ${params.j} and ${params.i} are the same)`,
			};
		case 'enum':
			return {
				path: at(),
				rule: 'enum',
				message: `must be one of: ${((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
			};
		default:
			return { path: at(), rule: error.keyword, message: error.message ?? 'is invalid' };
	}
}

function kind(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
	return `${typeof value} ${JSON.stringify(value)}`;
}

/** The known name a misspelt one most likely meant: same letters in another case, or
 * at most two edits away. */
export function closest(name: string, known: string[]): string | undefined {
	const lower = name.toLowerCase();
	const sameLetters = known.find((k) => k.toLowerCase() === lower);
	if (sameLetters) return sameLetters;
	let best: string | undefined;
	let bestDistance = 3;
	for (const k of known) {
		const d = editDistance(lower, k.toLowerCase());
		if (d < bestDistance) {
			best = k;
			bestDistance = d;
		}
	}
	return best;
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(
				previous[j] + 1,
				current[j - 1] + 1,
				previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
			);
		}
		previous = current;
	}
	return previous[b.length];
}

/** The violations as one line per rule, for an error's description. */
export function listViolations(found: Violation[]): string {
	return found.map((v) => `${v.path}: ${v.message}`).join('\n');
}
