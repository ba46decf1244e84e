/**
 * The console's `:` command line: the things done by name (`:nas bng-2`, `:user alice`, `:status closed`,
 * `:sort down`, `:columns`, `:stale`, `:concurrent`, `:history`, `:help`), read into what they change, and Tab completion of command
 * names and their arguments. Pure: state.ts carries a command's result out, the footer draws the line.
 */
import type {SessionStatus, SortKey} from '../sessions/session.js';
import {SORT_KEYS} from '../sessions/session.js';
import {sanitize} from '../terminal/sanitize.js';
import type {ViewQuery} from './state-types.js';

/** A NAS the command line knows by name: those with open sessions, from the latest counts. */
export interface CommandNas {
	readonly ip: string;
	readonly name: string | null;
}

export interface CommandContext {
	readonly query: ViewQuery;
	readonly nas: readonly CommandNas[];
	/** The profile's sites, when it lists several (`:site` is offered then). */
	readonly sites?: readonly string[];
}

/** What a command line asks for: a new view, the help, a message, or why it cannot be done (nothing changes). */
export type CommandResult =
	| {readonly kind: 'query'; readonly query: ViewQuery; readonly message: string}
	| {readonly kind: 'help'}
	| {readonly kind: 'columns'}
	/** The concurrent logins view (concurrent-view.ts). */
	| {readonly kind: 'concurrent'}
	/** The history view (history-state.ts). */
	| {readonly kind: 'history'}
	| {readonly kind: 'message'; readonly text: string}
	/** `:profile NAME`: open the console again on another profile. */
	| {readonly kind: 'profile'; readonly name: string}
	| {readonly kind: 'error'; readonly text: string};

export const COMMAND_NAMES = ['nas', 'user', 'status', 'sort', 'columns', 'stale', 'concurrent', 'history', 'help'] as const;

const STATUSES: readonly SessionStatus[] = ['active', 'stale', 'closed', 'all'];
const DIRECTIONS = ['up', 'down'] as const;

/** How the line is read into words: runs of non-space characters. */
function wordsOf(line: string): string[] {
	return line.trim().split(/\s+/).filter(Boolean);
}

function natural(key: SortKey): 'asc' | 'desc' {
	return key === 'user' || key === 'nas' || key === 'ip' ? 'asc' : 'desc';
}

function error(text: string): CommandResult {
	return {kind: 'error', text};
}

/** `user:=NAME` as the search reads it: quoted when the name has spaces, quotes or backslashes. */
export function exactUserTerm(name: string): string {
	return /[\s"\\]/.test(name) ? `user:="${name.replace(/[\\"]/g, (c) => `\\${c}`)}"` : `user:=${name}`;
}

function nasCommand(argument: string | undefined, context: CommandContext): CommandResult {
	if (!argument) return error('nas: name a NAS, an IP or all');
	if (argument.toLowerCase() === 'all') return {kind: 'query', query: {...context.query, nas: null}, message: 'all NAS'};
	const wanted = argument.toLowerCase();
	const found =
		context.nas.find((nas) => nas.name?.toLowerCase() === wanted) ?? context.nas.find((nas) => nas.ip.toLowerCase() === wanted);
	if (found) return {kind: 'query', query: {...context.query, nas: found.ip}, message: `NAS ${sanitize(found.name ?? found.ip)}`};
	// An IP with no open sessions yet is still a NAS one may watch.
	if (/^[0-9.]+$/.test(argument) && argument.split('.').length === 4) {
		return {kind: 'query', query: {...context.query, nas: argument}, message: `NAS ${argument}`};
	}
	return error(`nas: no NAS "${argument}" with open sessions (Tab completes the names)`);
}

/** `:site NAME` narrows the view to one site, `:site all` widens it again. */
function siteCommand(words: readonly string[], context: CommandContext): CommandResult {
	const sites = context.sites ?? [];
	if (sites.length === 0) return error('site: this profile lists no sites');
	if (words.length !== 1) return error('site: one site name, or all');
	const wanted = words[0]!;
	if (wanted.toLowerCase() === 'all') {
		const {site: _site, ...query} = context.query;
		return {kind: 'query', query, message: 'every site'};
	}
	const found = sites.find((site) => site === wanted) ?? sites.find((site) => site.toLowerCase() === wanted.toLowerCase());
	if (!found) return error(`site: no site "${sanitize(wanted.slice(0, 32))}" (sites: ${sites.map(sanitize).join(', ')})`);
	return {kind: 'query', query: {...context.query, site: found}, message: `site ${sanitize(found)}`};
}

function sortCommand(words: readonly string[], context: CommandContext): CommandResult {
	const [first, second, ...extra] = words;
	const current = context.query.sort;
	// The line is one terminal row with the command before it: the reason is short, Tab lists the choices.
	if (!first) return error('sort: name a column or up/down (Tab lists them)');
	const asDirection = (word: string) => (word === 'up' ? 'asc' : word === 'down' ? 'desc' : undefined);
	// `down` is a column too: alone it is the direction, with a word after it the column.
	const only = second === undefined ? asDirection(first.toLowerCase()) : undefined;
	if (only) {
		return {kind: 'query', query: {...context.query, sort: {...current, direction: only}}, message: `sorted ${first.toLowerCase()}`};
	}
	const key = SORT_KEYS.find((k) => k === first.toLowerCase());
	if (!key) return error(`sort: no column "${first}" (Tab lists them)`);
	if (extra.length > 0) return error('sort: a column and up or down, nothing more');
	const direction = second === undefined ? natural(key) : asDirection(second.toLowerCase());
	if (!direction) return error(`sort: "${second}" is neither up nor down`);
	const arrow = direction === 'asc' ? 'up' : 'down';
	return {kind: 'query', query: {...context.query, sort: {key, direction}}, message: `sorted by ${key} ${arrow}`};
}

/** Reads a command line (without its `:`) against the view in force. */
export function runCommand(line: string, context: CommandContext): CommandResult {
	const [name, ...rest] = wordsOf(line);
	if (!name) return error('type a command: ' + COMMAND_NAMES.join(', '));
	const command = name.toLowerCase();
	const statusQuery = (status: SessionStatus): CommandResult => ({
		kind: 'query',
		query: {...context.query, status},
		message: `status ${status}`,
	});
	switch (command) {
		case 'nas':
			if (rest.length > 1) return error('nas: one NAS name, IP or all');
			return nasCommand(rest[0], context);
		case 'user': {
			// A username may hold spaces: the rest of the line is the name.
			const user = line.trim().slice(name.length).trim();
			if (!user) return error('user: name a user');
			return {kind: 'query', query: {...context.query, search: exactUserTerm(user)}, message: `user ${user}`};
		}
		case 'status': {
			const status = STATUSES.find((s) => s === rest[0]?.toLowerCase());
			if (!status || rest.length > 1) return error(`status: one of ${STATUSES.join(', ')}`);
			return statusQuery(status);
		}
		case 'stale':
			if (rest.length > 0) return error('stale takes nothing after it');
			return statusQuery('stale');
		case 'sort':
			return sortCommand(rest, context);
		case 'columns':
			return {kind: 'columns'};
		case 'concurrent':
			if (rest.length > 0) return error('concurrent takes nothing after it');
			return {kind: 'concurrent'};
		case 'history':
			if (rest.length > 0) return error('history takes nothing after it');
			return {kind: 'history'};
		case 'help':
			return {kind: 'help'};
		case 'site':
			return siteCommand(rest, context);
		case 'profile':
			if (rest.length !== 1 || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(rest[0]!)) return error('profile: one profile name');
			return {kind: 'profile', name: rest[0]!};
		default:
			return error(`no command "${name}" (Tab lists them)`);
	}
}

/** What Tab leaves: the line completed as far as its candidates agree, and the candidates when several remain. */
export interface Completion {
	readonly line: string;
	readonly candidates: readonly string[];
}

function commonPrefix(words: readonly string[]): string {
	if (words.length === 0) return '';
	let prefix = words[0]!;
	for (const word of words) {
		while (!word.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
	}
	return prefix;
}

function argumentChoices(command: string, context: CommandContext, position: number): readonly string[] {
	if (command === 'nas' && position === 0) return [...new Set(['all', ...context.nas.map((nas) => sanitize(nas.name ?? nas.ip))])];
	if (command === 'status' && position === 0) return STATUSES;
	if (command === 'site' && position === 0) return ['all', ...(context.sites ?? []).map(sanitize)];
	// `up` and `down` are columns as well as directions: each offered once.
	if (command === 'sort' && position === 0) return [...new Set<string>([...SORT_KEYS, ...DIRECTIONS])];
	if (command === 'sort' && position === 1) return DIRECTIONS;
	return [];
}

/**
 * Tab on a command line: the first word completes to a command name, the words after it to the command's
 * arguments (the NAS names with open sessions for `nas`). One candidate is written out with a space after it.
 */
export function completeCommand(line: string, context: CommandContext): Completion {
	const words = line.split(' ');
	const typed = words.at(-1)!;
	const before = words.slice(0, -1);
	const head = before.filter(Boolean);
	const names = context.sites?.length ? [...COMMAND_NAMES, 'site'] : COMMAND_NAMES;
	const choices = head.length === 0 ? names : argumentChoices(head[0]!.toLowerCase(), context, head.length - 1);
	const candidates = choices.filter((choice) => choice.toLowerCase().startsWith(typed.toLowerCase()));
	if (candidates.length === 0) return {line, candidates: []};
	const prefix = [...before, ''].join(' ');
	if (candidates.length === 1) return {line: `${prefix}${candidates[0]} `, candidates: []};
	const common = commonPrefix(candidates);
	return {line: `${prefix}${common.length > typed.length ? common : typed}`, candidates};
}
