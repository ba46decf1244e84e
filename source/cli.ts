#!/usr/bin/env node
// React picks its build when it is first loaded: the production one, unless the user asked otherwise
// (the development build costs a third more per frame).
process.env['NODE_ENV'] ??= 'production';

// `radtop sessions | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') process.exit(0);
	throw error;
});

const {foldWarning, passwordInDbFlag} = await import('./commands/process-edge.js');

// A library's warning (pg's deprecations, its sslmode notice) is not Node's multi-line report on stderr: a
// deprecation is ours to deal with, not the operator's, and anything else is one radtop line.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
	const line = foldWarning(warning);
	if (line) process.stderr.write(`${line}\n`);
});

const argv = process.argv.slice(2);
if (passwordInDbFlag(argv)) {
	// Other users of this host can read a process's arguments (ps, /proc): they stop showing the password from
	// here on, and the operator learns where it is safe.
	process.title = 'radtop';
	process.stderr.write(
		'radtop: the password in --db can be read by other users of this host (ps) and stays in the shell history: ' +
			'put it in ~/.pgpass or PGPASSWORD instead\n',
	);
}

const {runMain} = await import('./main.js');
process.exitCode = await runMain(argv, {stdout: process.stdout, stderr: process.stderr, env: process.env});
