/**
 * `radtop doctor`'s output: one line per check (`pass  <check>  <detail>`) with an indented `fix:` line under
 * each warn and fail, a closing count, or the same as JSON for scripts. Pure. Details may carry text from the
 * database or a NAS (names, server messages), so every line is sanitised for the terminal here.
 */
import {jsonForOutput} from '../terminal/json-output.js';
import {sanitize} from '../terminal/sanitize.js';
import {stringWidth} from '../terminal/text.js';
import {tallyChecks, type CheckResult} from './check.js';

/** The check column is padded to the longest name up to this width; longer names push their detail right. */
const MAX_CHECK_WIDTH = 48;

/** Text lines for a group of results, the check names aligned within the group. */
export function reportLines(results: readonly CheckResult[]): string[] {
	const names = results.map((entry) => sanitize(entry.check));
	const width = Math.min(MAX_CHECK_WIDTH, Math.max(0, ...names.map((name) => stringWidth(name))));
	const lines: string[] = [];
	results.forEach((entry, index) => {
		const name = names[index]!;
		const padded = name + ' '.repeat(Math.max(0, width - stringWidth(name)));
		lines.push(`${entry.status}  ${padded}  ${sanitize(entry.detail)}`.trimEnd());
		if (entry.fix !== undefined && entry.status !== 'pass') lines.push(`      fix: ${sanitize(entry.fix)}`);
	});
	return lines;
}

/** The closing line, e.g. `radtop doctor: 14 pass, 2 warn, 1 fail`. */
export function summaryLine(results: readonly CheckResult[]): string {
	const tally = tallyChecks(results);
	return `radtop doctor: ${tally.pass} pass, ${tally.warn} warn, ${tally.fail} fail`;
}

/** The JSON document of `--json`: every result and the tally (escaped for a terminal: see jsonForOutput). */
export function reportJson(results: readonly CheckResult[], isTTY = false): string {
	return jsonForOutput({checks: results, summary: tallyChecks(results)}, isTTY);
}
