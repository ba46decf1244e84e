/**
 * Runs every benchmark script in bench/ (each `bench/*.js` except this one), one after the other, each in its
 * own node process with the terminal passed through. Exits non-zero if any of them failed.
 */
import {spawn} from 'node:child_process';
import {readdirSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const scripts = readdirSync(here)
	.filter((name) => name.endsWith('.js') && name !== self)
	.sort();

/**
 * @param {string} file
 * @returns {Promise<number>} the exit code
 */
function runScript(file) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [file], {stdio: 'inherit'});
		child.on('error', (error) => {
			console.error(`could not start ${file}: ${error.message}`);
			resolve(1);
		});
		child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
	});
}

// Ctrl-C reaches the running benchmark too (same process group): let it clean up, then stop here.
let interrupted = false;
process.on('SIGINT', () => {
	interrupted = true;
});

const failed = [];
for (const name of scripts) {
	if (interrupted) break;
	console.log(`\n=== bench/${name}\n`);
	const code = await runScript(join(here, name));
	if (code !== 0) failed.push(`${name} (exit ${code})`);
}
if (interrupted) {
	console.error('\ninterrupted');
	process.exitCode = 130;
} else if (failed.length > 0) {
	console.error(`\nfailed: ${failed.join(', ')}`);
	process.exitCode = 1;
} else {
	console.log(`\n${scripts.length} benchmark${scripts.length === 1 ? '' : 's'} done`);
}
