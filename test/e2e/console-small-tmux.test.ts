/**
 * End to end: a NAS-wide disconnect typed and confirmed on short terminals (80x15 and 60x15, tmux, the demo):
 * the prompt and the "does not match" line stay on screen, what was typed survives a resize, and below the
 * minimum size (60x12) the console says so and Enter confirms nothing.
 */
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {CLI, FIRST_SCREEN_MS, firstScreenReady, Terminal, tmux, tmuxAvailable} from '../helpers/tmux-terminal.js';

const ACTION_MS = 60_000;
const flat = (text: string) => text.replace(/\n/g, ' ');

describe.skipIf(!tmuxAvailable)('a typed NAS confirmation on short terminals', () => {
	const state = mkdtempSync(join(tmpdir(), 'radtop-e2e-state-'));
	const terms: Terminal[] = [];

	afterAll(() => {
		for (const term of terms) {
			try {
				tmux('kill-session', '-t', term.name);
			} catch {
				// already gone
			}
		}
		rmSync(state, {recursive: true, force: true});
	});

	it.each([
		[80, 15],
		[60, 15],
	])(
		'%ix%i: X, a NAS, a wrong name (refused, on screen), the right name (sent)',
		async (columns, rows) => {
			if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
			const term = new Terminal(`small${columns}x${rows}`, columns, rows);
			terms.push(term);
			term.start(['--interval', '1'], {XDG_STATE_HOME: state});
			await term.waitFor('the first screen with sessions', (lines, text) => firstScreenReady(lines, text), FIRST_SCREEN_MS);
			term.keys('X');
			await term.waitFor('the NAS picker', (_lines, text) => text.includes('disconnect every session of which NAS?'));
			term.assertFits();
			// The first NAS in the picker (the one with the most sessions).
			term.keys('Home', 'k', 'k', 'k', 'k', 'k', 'k', 'Enter');
			const preview = await term.waitFor(
				'the typed confirmation',
				(_lines, text) => /type the NAS name \((bng-\d)\) to confirm:/.exec(text)?.[1],
			);
			const other = preview === 'bng-1' ? 'bng-2' : 'bng-1';
			term.assertFits();
			term.type(other);
			term.keys('Enter');
			const refused = await term.waitFor(
				'the wrong name refused, with the prompt still there',
				(_lines, text) =>
					text.includes(`"${other}" does not match`) && text.includes(`type the NAS name (${preview}) to confirm:`) && text,
			);
			expect(refused).toContain(`Disconnect ALL`);
			term.assertFits();

			// The right name typed, then the terminal shrinks below the minimum: it says so, and Enter confirms nothing.
			term.type(preview);
			await term.waitFor('the right name typed', (_lines, text) => text.includes(`to confirm: ${preview}`));
			tmux('resize-window', '-t', term.name, '-x', '40', '-y', '10');
			await term.waitFor('too small', (_lines, text) => text.includes('terminal too small (need 60x12)'));
			term.keys('Enter');
			// Time for the key to be read while still too small: the screen stays what it was.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(term.screen()).toContain('terminal too small (need 60x12)');
			tmux('resize-window', '-t', term.name, '-x', String(columns), '-y', String(rows));
			// Back at its size the preview is still there with what was typed: nothing was sent.
			const back = await term.waitFor(
				'the preview back, what was typed kept',
				(_lines, text) => text.includes(`type the NAS name (${preview}) to confirm: ${preview}`) && text,
			);
			// tmux may show the lines it kept from before the shrink until radtop redraws: wait for a frame radtop drew
			// at this size (the header's countdown changes every second), so Enter goes to a console that is big enough.
			await term.waitFor(
				'a frame drawn at this size',
				(_lines, text) => text !== back && text.includes(`type the NAS name (${preview}) to confirm: ${preview}`),
			);
			expect(term.screen()).not.toMatch(/Disconnecting|confirmed by Accounting-Stop/);
			term.keys('Enter');
			const results = await term.waitFor(
				'the results',
				(_lines, text) =>
					flat(text).includes(`ALL open sessions on ${preview}`) &&
					/disconnected/.test(flat(text)) &&
					!/Disconnecting/.test(text) &&
					text,
				ACTION_MS * 2,
			);
			expect(flat(results)).not.toContain('does not match');
			term.assertFits();
		},
		FIRST_SCREEN_MS + ACTION_MS * 4,
	);
});
