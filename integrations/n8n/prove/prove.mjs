// The WaSphere n8n node proven with a real n8n (run by ../prove.sh, which installs n8n and
// Node 24 and builds the package first). Each check prints one line; the last line is
// "N passed, N failed", and the exit code is 1 when anything failed.
//
// Environment (set by prove.sh):
//   N8N_RUNTIME   the directory whose node_modules holds n8n (the cached install)
//   PACKAGE_TGZ   the packed n8n-nodes-wasphere, installed the way n8n installs community nodes
//   PACKAGE_DIR   integrations/n8n (templates, built dist/, documented bodies)
//   WASPHERE_BIN  the wasphere command (its `sandbox` subcommand is the API)
//   PROVE_WORK    a scratch directory, removed by prove.sh

import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';

const env = (name) => {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run integrations/n8n/prove.sh`);
	return value;
};
const runtime = env('N8N_RUNTIME');
const packageDir = env('PACKAGE_DIR');
const work = env('PROVE_WORK');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
	if (ok) passed++;
	else failed++;
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail && !ok ? `\n     ${String(detail).replace(/\n/g, '\n     ')}` : ''}`);
	return ok;
}
async function proof(title, run) {
	const started = Date.now();
	console.log(`\n== ${title}`);
	try {
		await run();
	} catch (error) {
		check(`${title}: ran to the end`, false, error?.stack ?? String(error));
	}
	console.log(`   (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

// ---------------------------------------------------------------------------------------
// The sandbox: the one place that knows how it starts, where it prints its address, and
// its introspection routes. When the CLI or the routes change, change this block.
// ---------------------------------------------------------------------------------------

const SANDBOX = {
	key: 'wsk_test_sandbox',
	workspace: '00000000-0000-4000-8000-000000000000',
	session: 'my-session',
	args: ({ rateLimit, webhookUrl }) => [
		'sandbox',
		'--addr',
		'127.0.0.1:0',
		'--rate-limit',
		rateLimit,
		...(webhookUrl ? ['--webhook-url', webhookUrl, '--webhook-secret-env', 'WASPHERE_PROVE_WEBHOOK_SECRET'] : []),
	],
	// The first line the sandbox prints.
	address: /^listening on (http:\/\/\S+)/,
	routes: {
		messages: '/__sandbox/messages',
		stats: '/__sandbox/stats',
		webhooks: '/__sandbox/webhooks',
		reply: '/__sandbox/simulate/reply',
	},
};

const children = [];
function track(child) {
	children.push(child);
	return child;
}
function stopAll() {
	for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		stopAll();
		process.exit(130);
	});
}

class Sandbox {
	static async start(name, options) {
		const child = track(
			spawn(env('WASPHERE_BIN'), SANDBOX.args(options), {
				env: { ...process.env, WASPHERE_PROVE_WEBHOOK_SECRET: options.secret ?? '' },
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		);
		let printed = '';
		const baseUrl = await new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`sandbox ${name} printed no address in 30 s:\n${printed}`)), 30_000);
			child.stdout.on('data', (chunk) => {
				printed += chunk;
				const match = SANDBOX.address.exec(printed.split('\n')[0]);
				if (match) {
					clearTimeout(timer);
					resolve(match[1]);
				}
			});
			child.stderr.on('data', (chunk) => (printed += chunk));
			child.on('exit', (code) => reject(new Error(`sandbox ${name} exited (${code}):\n${printed}`)));
		});
		return new Sandbox(name, baseUrl, child);
	}

	constructor(name, baseUrl, child) {
		this.name = name;
		this.baseUrl = baseUrl;
		this.child = child;
	}

	credential(id, name) {
		return {
			id,
			name,
			type: 'waSphereApi',
			data: { baseUrl: this.baseUrl, workspaceId: SANDBOX.workspace, sessionId: SANDBOX.session, apiKey: SANDBOX.key },
		};
	}

	async introspect(route, init = {}) {
		const response = await fetch(this.baseUrl + route, {
			...init,
			headers: { Authorization: `Bearer ${SANDBOX.key}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${this.name} ${route} answered ${response.status}: ${text}`);
		return text ? JSON.parse(text) : undefined;
	}
	messages() {
		return this.introspect(SANDBOX.routes.messages);
	}
	stats() {
		return this.introspect(SANDBOX.routes.stats);
	}
	deliveries() {
		return this.introspect(SANDBOX.routes.webhooks);
	}
	reply(body) {
		return this.introspect(SANDBOX.routes.reply, { method: 'POST', body: JSON.stringify(body) });
	}

	/** Sends directly, as any API client would (for messages the trigger test replies to). */
	async send(type, body) {
		const url = `${this.baseUrl}/workspaces/${SANDBOX.workspace}/proxy/api/sessions/${SANDBOX.session}/messages/${type}`;
		const response = await fetch(url, {
			method: 'POST',
			headers: { Authorization: `Bearer ${SANDBOX.key}`, 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		const answer = await response.json();
		if (response.status !== 201) throw new Error(`${this.name} refused the ${type}: ${response.status} ${JSON.stringify(answer)}`);
		return answer.messageId;
	}
}

// ---------------------------------------------------------------------------------------
// n8n, run headless from the cached install, with its own user folder.
// ---------------------------------------------------------------------------------------

const n8nRequire = createRequire(join(runtime, 'node_modules', 'n8n', 'package.json'));
const n8nBin = join(runtime, 'node_modules', 'n8n', 'bin', 'n8n');

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function collect(child, timeoutMs, what) {
	return new Promise((resolve) => {
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const timer = setTimeout(() => {
			stderr += `\n[prove] ${what} did not finish in ${timeoutMs / 1000} s: killed`;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

class N8n {
	constructor(folder) {
		this.folder = folder;
		mkdirSync(join(folder, '.n8n', 'nodes'), { recursive: true });
		this.env = {
			...process.env,
			N8N_USER_FOLDER: folder,
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'warn',
		};
	}

	/** Installs the packed node the way n8n installs a community package: its
	 * dependencies only, n8n-workflow coming from n8n itself. */
	async installPackage(tgz) {
		const nodes = join(this.folder, '.n8n', 'nodes');
		writeFileSync(join(nodes, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
		const npm = spawn(
			'npm',
			['install', '--omit=dev', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', tgz],
			{ cwd: nodes, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		const result = await collect(npm, 300_000, 'npm install of the package');
		if (result.code !== 0) throw new Error(`npm install ${tgz} failed:\n${result.stdout}${result.stderr}`);
	}

	/** One CLI command; each gets its own task-broker port, so runs do not collide. */
	async cli(args, timeoutMs = 300_000) {
		const child = spawn(process.execPath, [n8nBin, ...args], {
			env: { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		track(child);
		return await collect(child, timeoutMs, `n8n ${args[0]}`);
	}

	async mustCli(args) {
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
		return result;
	}

	async importCredentials(credentials) {
		const file = join(this.folder, `credentials-${randomUUID()}.json`);
		writeFileSync(file, JSON.stringify(credentials));
		await this.mustCli(['import:credentials', `--input=${file}`]);
	}

	async importWorkflows(workflows) {
		const dir = join(this.folder, `workflows-${randomUUID()}`);
		mkdirSync(dir);
		for (const w of workflows) writeFileSync(join(dir, `${w.id}.json`), JSON.stringify(w));
		await this.mustCli(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** Runs a workflow and returns its execution as the database holds it: the CLI's own
	 * output says only "No active execution found" for some failures. */
	async execute(workflowId) {
		const before = await this.lastExecutionId(workflowId);
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		const execution = await this.execution(workflowId);
		if (execution === undefined || execution.id === before) {
			throw new Error(`n8n execute --id=${workflowId} left no execution (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		}
		return execution;
	}

	async query(sql, params = []) {
		const sqlite3 = n8nRequire('sqlite3');
		const db = new sqlite3.Database(join(this.folder, '.n8n', 'database.sqlite'), sqlite3.OPEN_READONLY);
		try {
			return await new Promise((resolve, reject) => db.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows))));
		} finally {
			db.close();
		}
	}

	async lastExecutionId(workflowId) {
		const rows = await this.query('select max(id) as id from execution_entity where workflowId = ?', [workflowId]);
		return rows[0]?.id ?? null;
	}

	async executionCount(workflowId) {
		const rows = await this.query('select count(*) as n from execution_entity where workflowId = ?', [workflowId]);
		return rows[0].n;
	}

	/** The latest execution of a workflow: status, run data by node, and the error. */
	async execution(workflowId) {
		const rows = await this.query(
			`select e.id, e.status, d.data from execution_entity e join execution_data d on d.executionId = e.id
			 where e.workflowId = ? order by e.id desc limit 1`,
			[workflowId],
		);
		if (rows.length === 0) return undefined;
		const data = n8nRequire('flatted').parse(rows[0].data);
		return { id: rows[0].id, status: rows[0].status, runData: data.resultData?.runData ?? {}, error: data.resultData?.error };
	}

	async startServer(port) {
		this.port = port;
		const child = track(
			spawn(process.execPath, [n8nBin, 'start'], {
				env: {
					...this.env,
					N8N_PORT: String(port),
					N8N_HOST: '127.0.0.1',
					WEBHOOK_URL: `http://127.0.0.1:${port}/`,
					N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		);
		this.server = child;
		this.serverLog = '';
		child.stdout.on('data', (c) => (this.serverLog += c));
		child.stderr.on('data', (c) => (this.serverLog += c));
		const deadline = Date.now() + 180_000;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`n8n start exited ${child.exitCode}:\n${this.serverLog}`);
			try {
				const response = await fetch(`http://127.0.0.1:${port}/healthz/readiness`);
				if (response.ok) return;
			} catch {
				// not listening yet
			}
			await sleep(500);
		}
		throw new Error(`n8n start was not ready in 180 s:\n${this.serverLog}`);
	}
}

/** The items a node put on each of its outputs in an execution. */
function outputs(execution, node) {
	const runs = execution.runData[node];
	if (!runs?.length) return [];
	return (runs[0].data?.main ?? []).map((items) => (items ?? []).map((i) => i.json));
}

function describeFailure(execution) {
	const e = execution.error;
	if (!e) return `status ${execution.status}`;
	return `status ${execution.status}: ${e.message}${e.description ? `\n${e.description}` : ''}${e.node ? ` (node ${e.node.name})` : ''}`;
}

/** A template with another id and name, its nodes patched, credentials renamed. */
function derive(template, { id, name, patch = {}, credentials = {} }) {
	const copy = structuredClone(template);
	copy.id = id;
	copy.name = name;
	for (const node of copy.nodes) {
		if (patch[node.name]) patch[node.name](node);
		for (const [type, ref] of Object.entries(node.credentials ?? {})) {
			if (credentials[type]) node.credentials[type] = credentials[type];
			else node.credentials[type] = ref;
		}
	}
	return copy;
}

async function waitFor(what, probe, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		last = await probe();
		if (last) return last;
		await sleep(250);
	}
	throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

// ---------------------------------------------------------------------------------------
// The proof
// ---------------------------------------------------------------------------------------

const workflows = join(packageDir, 'workflows');
const templates = {
	everyType: readJson(join(workflows, 'every-message-type.json')),
	eachRow: readJson(join(workflows, 'send-to-each-row.json')),
	httpRequest: readJson(join(workflows, 'http-request-to-each-row.json')),
	answerReply: readJson(join(workflows, 'answer-button-reply.json')),
};
const documented = readJson(join(packageDir, 'prove', 'documented-bodies.json'));
const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString('hex')}`;

const n8n = new N8n(join(work, 'n8n'));
const plain = await Sandbox.start('plain', { rateLimit: '60/1m' });
const paced = await Sandbox.start('paced', { rateLimit: '60/10s' });
const n8nPort = await freePort();
const webhookNode = templates.answerReply.nodes.find((n) => n.type === 'n8n-nodes-wasphere.waSphereTrigger');
const webhookUrl = `http://127.0.0.1:${n8nPort}/webhook/${webhookNode.webhookId}/wasphere`;
const replying = await Sandbox.start('replying', { rateLimit: '60/1m', webhookUrl, secret: WEBHOOK_SECRET });
const tight = await Sandbox.start('tight', { rateLimit: '2/5s' });
console.log(
	`sandboxes: plain ${plain.baseUrl}, paced (60/10s) ${paced.baseUrl}, tight (2/5s) ${tight.baseUrl}, replying ${replying.baseUrl} -> ${webhookUrl}`,
);

const CREDENTIALS = {
	plain: { id: 'wasphereSandbox1', name: 'WaSphere sandbox' },
	paced: { id: 'wasphereSandbox2', name: 'WaSphere sandbox at 60 per 10 s' },
	replying: { id: 'wasphereSandbox3', name: 'WaSphere sandbox with webhooks' },
	tight: { id: 'wasphereSandbox4', name: 'WaSphere sandbox at 2 per 5 s' },
	wrongKey: { id: 'wasphereWrongKey', name: 'WaSphere sandbox with a revoked key' },
	header: { id: 'wasphereHeaderAu', name: 'WaSphere API key header' },
	webhook: { id: 'wasphereWebhook1', name: 'WaSphere webhook secret' },
};

await proof('setup: the packed node installed as a community package, credentials and workflows imported', async () => {
	await n8n.installPackage(env('PACKAGE_TGZ'));
	await n8n.importCredentials([
		plain.credential(CREDENTIALS.plain.id, CREDENTIALS.plain.name),
		paced.credential(CREDENTIALS.paced.id, CREDENTIALS.paced.name),
		replying.credential(CREDENTIALS.replying.id, CREDENTIALS.replying.name),
		tight.credential(CREDENTIALS.tight.id, CREDENTIALS.tight.name),
		(() => {
			const wrong = plain.credential(CREDENTIALS.wrongKey.id, CREDENTIALS.wrongKey.name);
			wrong.data.apiKey = 'wsk_test_revoked';
			return wrong;
		})(),
		{ ...CREDENTIALS.header, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${SANDBOX.key}` } },
		{ ...CREDENTIALS.webhook, type: 'waSphereWebhookApi', data: { signingSecret: WEBHOOK_SECRET } },
	]);
	await n8n.importWorkflows([
		templates.everyType,
		derive(templates.eachRow, {
			id: 'wasphereRows120x',
			name: '120 rows at 60 per 10 s',
			credentials: { waSphereApi: CREDENTIALS.paced },
			patch: {
				'Sample rows': (node) => {
					node.parameters.jsCode =
						"return Array.from({ length: 120 }, (_, i) => ({ json: { phoneNumber: String(923001000000 + i), firstName: 'Row' + i, orderId: String(5000 + i) } }));";
				},
				'Send text': (node) => {
					node.parameters.requestOptions = { requestsPerWindow: 60, windowSeconds: 10 };
				},
			},
		}),
		derive(templates.eachRow, {
			id: 'wasphereTight429',
			name: '4 rows at a limit set too high for the key',
			credentials: { waSphereApi: CREDENTIALS.tight },
			patch: {
				'Send text': (node) => {
					node.parameters.requestOptions = { requestsPerWindow: 100, windowSeconds: 60 };
				},
				'Sample rows': (node) => {
					node.parameters.jsCode = node.parameters.jsCode.replace(
						"].map(",
						"  { phoneNumber: '12125550101', firstName: 'Noah', orderId: '1237' },\n].map(",
					);
				},
			},
		}),
		derive(templates.eachRow, {
			id: 'wasphereRevoked1',
			name: 'A revoked key',
			credentials: { waSphereApi: CREDENTIALS.wrongKey },
		}),
		misspeltWorkflow('wasphereMisspelt', 'continueErrorOutput'),
		misspeltWorkflow('wasphereMisspStp', 'stopWorkflow'),
		derive(templates.httpRequest, {
			id: templates.httpRequest.id,
			name: templates.httpRequest.name,
			patch: {
				'WaSphere settings': (node) => {
					const values = { baseUrl: plain.baseUrl, workspaceId: SANDBOX.workspace, sessionId: SANDBOX.session };
					for (const a of node.parameters.assignments.assignments) a.value = values[a.name];
				},
			},
		}),
		derive(templates.answerReply, {
			id: templates.answerReply.id,
			name: templates.answerReply.name,
			credentials: { waSphereApi: CREDENTIALS.replying },
		}),
	]);
	check('the package, 7 credentials and 8 workflows are in n8n', true);
});

/** Three documents through the node's JSON input: the second spells `filename`. */
function misspeltWorkflow(id, onError) {
	const document = documented.document;
	const { fileName, ...withoutName } = document;
	const bodies =
		onError === 'stopWorkflow'
			? [{ ...withoutName, filename: fileName, to: '923001110002' }]
			: [
					{ ...document, to: '923001110001' },
					{ ...withoutName, filename: fileName, to: '923001110002' },
					{ ...document, to: '923001110003' },
				];
	return {
		id,
		name: `Misspelt field (${onError})`,
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: randomUUID(),
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: `return ${JSON.stringify(bodies)}.map((body) => ({ json: { body } }));` },
			},
			{
				id: randomUUID(),
				name: 'Send document',
				type: 'n8n-nodes-wasphere.waSphere',
				typeVersion: 1,
				position: [440, 0],
				onError,
				parameters: { resource: 'send', operation: 'document', bodyInput: 'json', jsonBody: '={{ $json.body }}' },
				credentials: { waSphereApi: CREDENTIALS.plain },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Send document', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
		pinData: {},
	};
}

await proof('(1) the node sends all 14 documented bodies', async () => {
	const execution = await n8n.execute(templates.everyType.id);
	if (!check('the every-type workflow succeeded', execution.status === 'success', describeFailure(execution))) return;
	const recorded = await plain.messages();
	const seen = new Set();
	for (const node of templates.everyType.nodes.filter((n) => n.type === 'n8n-nodes-wasphere.waSphere')) {
		const [out] = outputs(execution, node.name)[0] ?? [];
		const record = recorded.find((m) => m.messageId === out?.messageId);
		const slug = record?.type;
		seen.add(slug);
		check(
			`${node.name}: messageId ${out?.messageId} is in the sandbox's record, with the documented ${slug} body, and the output names the recipient`,
			out?.messageId && record && isDeepStrictEqual(record.body, documented[slug]) && out.to === documented[slug].to,
			`output ${JSON.stringify(out)}\nrecord ${JSON.stringify(record)}\ndocumented ${JSON.stringify(documented[slug])}`,
		);
	}
	check('every one of the 14 types was sent', Object.keys(documented).every((t) => seen.has(t)), [...seen].join(', '));
});

await proof('(2) 120 rows through the node against a sandbox at 60 per 10 s', async () => {
	const started = Date.now();
	const execution = await n8n.execute('wasphereRows120x');
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (!check('the 120-row workflow succeeded', execution.status === 'success', describeFailure(execution))) return;
	const [sent] = outputs(execution, 'Send text');
	check('120 items out, each with a messageId and its recipient', sent?.length === 120 && sent.every((o) => o.messageId && o.to), JSON.stringify(sent?.slice(0, 2)));
	const stats = await paced.stats();
	const counts = stats.statusCounts ?? {};
	check(
		`the sandbox answered 201 120 times and 429 zero times (${seconds} s for the run)`,
		counts['201'] === 120 && !counts['429'] && stats.requestsSeen === 120,
		JSON.stringify(stats),
	);
	const recorded = await paced.messages();
	check(
		'each row got its own text',
		recorded.length === 120 && recorded[119].body.text === 'Hello Row119, your order *#5119* is ready!',
		JSON.stringify(recorded.at(-1)?.body),
	);
});

await proof('(3) an item with a misspelt field fails before sending, naming the field', async () => {
	const before = (await plain.messages()).length;
	const execution = await n8n.execute('wasphereMisspelt');
	check('with "continue (using error output)" the run goes on', execution.status === 'success', describeFailure(execution));
	const [ok = [], errors = []] = outputs(execution, 'Send document');
	check('two items sent', ok.length === 2 && ok.every((o) => o.messageId), JSON.stringify(ok));
	check(
		'one item on the error output, naming filename and the field it meant',
		errors.length === 1 &&
			/filename/.test(errors[0].error) &&
			/did you mean "fileName"/.test(errors[0].error) &&
			errors[0].details?.to === '923001110002' &&
			errors[0].body?.to === '923001110002',
		JSON.stringify(errors),
	);
	const added = (await plain.messages()).slice(before);
	check(
		'the sandbox saw the two good documents and nothing for the misspelt one',
		added.length === 2 && added.every((m) => m.body.to !== '923001110002' && !('filename' in m.body)),
		JSON.stringify(added.map((m) => m.body)),
	);

	const stop = await n8n.execute('wasphereMisspStp');
	check(
		'without "continue" the run stops with the field named',
		stop.status === 'error' && /filename/.test(stop.error?.message ?? '') && /did you mean "fileName"/.test(stop.error?.description ?? ''),
		describeFailure(stop),
	);
	check('and still nothing was sent', (await plain.messages()).length === before + 2);
});

await proof('(4) the HTTP Request template sends its rows', async () => {
	const before = (await plain.messages()).length;
	const execution = await n8n.execute(templates.httpRequest.id);
	if (!check('the HTTP Request workflow succeeded', execution.status === 'success', describeFailure(execution))) return;
	const [sent = []] = outputs(execution, 'Send text');
	const added = (await plain.messages()).slice(before);
	check(
		'3 rows sent, each messageId in the sandbox record',
		sent.length === 3 && sent.every((o) => added.some((m) => m.messageId === o.messageId)),
		`${JSON.stringify(sent)}\n${JSON.stringify(added)}`,
	);
	check(
		'with the personalized body of the documentation',
		added.map((m) => m.body.text).join('|') ===
			'Hello Ayesha, your order is ready!|Hello Oliver, your order is ready!|Hello Maria, your order is ready!',
		JSON.stringify(added.map((m) => m.body)),
	);
});

await proof("(4b) the server's refusals: a 429 waited out for its Retry-After, a 401 as a NodeApiError", async () => {
	const execution = await n8n.execute('wasphereTight429');
	if (!check('4 rows through a key limited to 2 per 5 s all arrive', execution.status === 'success', describeFailure(execution))) return;
	const [sent = []] = outputs(execution, 'Send text');
	const stats = await tight.stats();
	const counts = stats.statusCounts ?? {};
	check('4 items out with a messageId', sent.length === 4 && sent.every((o) => o.messageId), JSON.stringify(sent));
	check(
		`each 429 was waited out, not retried into more 429s (201: ${counts['201']}, 429: ${counts['429'] ?? 0})`,
		counts['201'] === 4 && counts['429'] >= 1 && counts['429'] <= 2,
		JSON.stringify(stats),
	);

	const revoked = await n8n.execute('wasphereRevoked1');
	const error = revoked.error ?? {};
	check(
		'a refused key stops the run with a NodeApiError carrying the status and the server\'s message',
		revoked.status === 'error' &&
			error.name === 'NodeApiError' &&
			String(error.httpCode) === '401' &&
			/WaSphere answered 401: Invalid or expired API key/.test(error.message ?? '') &&
			/check the credential/.test(error.description ?? '') &&
			!JSON.stringify(error).includes('wsk_test_revoked'),
		JSON.stringify(error).slice(0, 1500),
	);
});

await proof('(5) the trigger: a real n8n server receives the sandbox\'s signed webhooks and answers', async () => {
	await n8n.mustCli(['publish:workflow', `--id=${templates.answerReply.id}`]);
	await n8n.startServer(n8nPort);
	const workflowId = templates.answerReply.id;
	// n8n reports ready before it has registered the published workflow's webhook; until
	// then the URL answers 404. The trigger answers an unsigned delivery with 401.
	const unsigned = await waitFor('the trigger\'s webhook to be registered', async () => {
		const response = await fetch(webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
		return response.status === 404 ? undefined : response;
	});
	check('an unsigned delivery is refused with 401', unsigned.status === 401, `${unsigned.status} ${await unsigned.text()}`);
	const answers = async (text) => (await replying.messages()).filter((m) => m.type === 'text' && m.body.text === text);
	const answered = (text) => async () => {
		const found = await answers(text);
		return found.length > 0 ? found : undefined;
	};

	const buttons = await replying.send('buttons', documented.buttons);
	await replying.reply({ messageId: buttons, buttonId: 'btn2' });
	const [button] = await waitFor('the answer to the button tap', answered('You chose Option B'));
	check('a button tap is answered through n8n', button.body.to === '923001234567@s.whatsapp.net' && !!button.body.quotedId, JSON.stringify(button));

	const list = await replying.send('list', documented.list);
	await replying.reply({ messageId: list, rowId: 'pro' });
	await waitFor('the answer to the list pick', answered('You chose Pro'));
	check('a list pick is answered with its row', true);

	const poll = await replying.send('poll', documented.poll);
	await replying.reply({ messageId: poll, pollOptions: ['Maybe'] });
	await waitFor('the answer to the poll vote', answered('Thanks for voting: Maybe'));
	check('a poll vote is answered with its option', true);

	const deliveries = await replying.deliveries();
	const received = deliveries.filter((d) => d.event === 'message.received');
	check(
		'the sandbox delivered 3 message.received events, each answered 200 at the first attempt',
		received.length === 3 && received.every((d) => d.delivered && d.status === 200),
		JSON.stringify(received),
	);
	const others = deliveries.filter((d) => d.event !== 'message.received');
	check(
		'other verified events (message.sent) are acknowledged without starting the workflow',
		others.length > 0 && others.every((d) => d.delivered && d.status === 200) && (await n8n.executionCount(workflowId)) === 3,
		JSON.stringify(others.slice(0, 3)),
	);

	// Deliveries not from the sandbox: forged, stale, replayed.
	const envelope = {
		event: 'message.received',
		sessionId: SANDBOX.session,
		timestamp: new Date().toISOString(),
		deliveryId: randomBytes(16).toString('hex'),
		data: {
			messageId: `REPLAY${randomBytes(4).toString('hex')}`,
			from: '923001234567@s.whatsapp.net',
			type: 'conversation',
			content: { text: 'Replay check', selectionId: 'btn9', interactiveKind: 'button_reply' },
		},
	};
	const raw = JSON.stringify(envelope);
	const deliver = async (secret, timestamp) => {
		const signature = `v1,sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
		const response = await fetch(webhookUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'X-WaSphere-Timestamp': String(timestamp), 'X-WaSphere-Signature': signature },
			body: raw,
		});
		return { status: response.status, body: await response.text() };
	};
	const now = Math.floor(Date.now() / 1000);
	const forged = await deliver('not-the-secret', now);
	check('a delivery signed with another secret is refused with 401', forged.status === 401 && /does not match/.test(forged.body), JSON.stringify(forged));
	const stale = await deliver(WEBHOOK_SECRET, now - 600);
	check('a delivery signed 10 minutes ago is refused with 401', stale.status === 401 && /old/.test(stale.body), JSON.stringify(stale));
	check('none of them started the workflow', (await n8n.executionCount(workflowId)) === 3);

	const first = await deliver(WEBHOOK_SECRET, now);
	const again = await deliver(WEBHOOK_SECRET, now);
	await waitFor('the answer to the signed delivery', answered('You chose Replay check'));
	await sleep(3000);
	check(
		'a delivery repeated with the same data.messageId starts the workflow once',
		first.status === 200 && again.status === 200 && /duplicate/.test(again.body) && (await answers('You chose Replay check')).length === 1,
		`${JSON.stringify(first)} ${JSON.stringify(again)}`,
	);
});

await proof('(6) the credential test checks the key without sending a message', async () => {
	// The same function n8n calls for "Test credential", from the built package.
	const { checkKey, connectionFrom } = n8nRequire(join(packageDir, 'dist', 'nodes', 'WaSphere', 'connection.js'));
	const post = async (url, headers, body) => {
		const response = await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		const text = await response.text();
		let parsed = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// kept as text
		}
		return { statusCode: response.status, body: parsed };
	};
	const before = (await plain.messages()).length;
	const base = plain.credential('x', 'x').data;
	const good = await checkKey(connectionFrom(base), post);
	check('the sandbox key is accepted', good.status === 'OK', JSON.stringify(good));
	const bad = await checkKey(connectionFrom({ ...base, apiKey: 'wsk_test_wrong' }), post);
	check('a wrong key is refused, saying so', bad.status === 'Error' && /refused/.test(bad.message) && !bad.message.includes('wsk_test_wrong'), JSON.stringify(bad));
	const session = await checkKey(connectionFrom({ ...base, sessionId: 'no-such-session' }), post);
	check('a wrong session is reported as not found', session.status === 'Error' && /not found/i.test(session.message), JSON.stringify(session));
	check('no message was sent by the checks', (await plain.messages()).length === before);

	// And through n8n itself: its REST "test credential" call runs the node's testedBy.
	const restTest = await testCredentialThroughN8n(base);
	check("n8n's own credential test reports the sandbox key as valid", restTest.good?.status === 'OK', JSON.stringify(restTest));
	check("and a wrong key as refused", restTest.bad?.status === 'Error' && /refused/.test(restTest.bad?.message ?? ''), JSON.stringify(restTest));
});

async function testCredentialThroughN8n(data) {
	const origin = `http://127.0.0.1:${n8nPort}`;
	const browserId = randomUUID();
	const setup = await fetch(`${origin}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ email: 'prove@example.com', firstName: 'Prove', lastName: 'Script', password: `Pw1${randomBytes(8).toString('hex')}` }),
	});
	const cookie = (setup.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
	if (!setup.ok) throw new Error(`owner setup answered ${setup.status}: ${await setup.text()}`);
	const test = async (credentialData) => {
		const response = await fetch(`${origin}/rest/credentials/test`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', cookie, 'browser-id': browserId },
			body: JSON.stringify({ credentials: { id: '', name: 'WaSphere', type: 'waSphereApi', data: credentialData } }),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`credentials/test answered ${response.status}: ${text}`);
		return JSON.parse(text).data;
	};
	return { good: await test(data), bad: await test({ ...data, apiKey: 'wsk_test_wrong' }) };
}

stopAll();
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
