#!/usr/bin/env node
// React picks its build when it is first loaded: the production one, unless the user asked otherwise
// (the development build costs a third more per frame).
process.env['NODE_ENV'] ??= 'production';

// `radtop sessions | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') process.exit(0);
	throw error;
});

const {runMain} = await import('./main.js');
process.exitCode = await runMain(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr, env: process.env});
