// tsc compiles the TypeScript; n8n also loads the icons and the codex files (*.node.json)
// from beside the compiled nodes, so they are copied into dist/ with the same layout.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const copied = [];
function copy(dir) {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) copy(path);
		else if (name.endsWith('.svg') || name.endsWith('.node.json')) {
			cpSync(path, join('dist', path));
			copied.push(path);
		}
	}
}
for (const dir of ['icons', 'nodes']) copy(dir);
console.log(`copied ${copied.length} assets to dist/`);
